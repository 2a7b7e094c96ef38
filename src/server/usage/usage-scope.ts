// Whose usage, in which month: everyone's, one plan's clients' or one client's. The
// breakdowns over UsageEvent (by model, by tool) take the same input and the same filter.
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import { ZPeriod, periodOf, periodRange } from "./period";

export const ZUsageScopeInput = z
  .object({
    /** Default: the period of `now`. */
    period: ZPeriod.optional(),
    clientId: z.uuid("must be a client id").optional(),
    planKey: z.string().min(1).max(100).optional(),
  })
  .default({});
export type TUsageScopeInput = z.input<typeof ZUsageScopeInput>;

/** The period, its bounds, and the SQL condition on `e."clientId"` (UsageEvent aliased `e`). */
export function usageScope(rawInput: TUsageScopeInput, now: Date) {
  const input = ZUsageScopeInput.parse(rawInput);
  const period = input.period ?? periodOf(now);
  const { start, end } = periodRange(period);
  const clientFilter = input.clientId ? Prisma.sql`AND e."clientId" = ${input.clientId}::uuid` : Prisma.empty;
  const planFilter = input.planKey ? Prisma.sql`AND e."clientId" IN (SELECT id FROM "Client" WHERE "planKey" = ${input.planKey})` : Prisma.empty;
  return { period, start, end, filter: Prisma.sql`${clientFilter} ${planFilter}` };
}
