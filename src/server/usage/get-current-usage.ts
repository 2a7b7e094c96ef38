// One client's settled usage of one counter in a period. Periods are keys of the
// counter, so a new period starts from zero by construction: nothing resets anything.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod } from "./period";

export const ZGetCurrentUsageInput = z.object({ clientId: z.uuid("must be a client id"), metric: z.string().min(1).max(100), period: ZPeriod });
export type TGetCurrentUsageInput = z.infer<typeof ZGetCurrentUsageInput>;

/** A decimal string: the counter's settled value (what is reserved in flight is not usage yet). */
export async function getCurrentUsage(db: TDbClient, { clientId, metric, period }: TGetCurrentUsageInput): Promise<string> {
  const row = await db.usageCounter.findUnique({
    where: { clientId_period_metric: { clientId, period, metric } },
    select: { value: true },
  });
  return row ? row.value.toFixed() : "0";
}
