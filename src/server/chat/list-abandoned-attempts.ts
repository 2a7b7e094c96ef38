// Unmetered provider spend: chat attempts whose process died before they settled, or
// whose settle statement failed after the provider answered (send-chat-message leaves
// those in flight on purpose); the sweeper marked them abandoned once their lease ran out.
// The provider may have done the work, and nobody was billed for it: admins see how often
// and how much it may have cost, per client, so a crashing instance or a failed usage
// write never goes unnoticed.
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod, periodRange } from "@/server/usage/period";

export const ZListAbandonedAttemptsInput = z.object({ period: ZPeriod });

const ZAbandonedByClient = z.object({
  clientId: z.string(),
  name: z.string(),
  abandoned: z.number().int(),
  /** USD, unrounded decimal string: what the calls were estimated to cost at most. */
  estimatedCostUsd: z.string(),
  lastAt: z.date(),
});

export const ZAbandonedAttempts = z.object({
  period: z.string(),
  abandoned: z.number().int(),
  estimatedCostUsd: z.string(),
  /** The clients with the most estimated unmetered cost, at most 10. */
  clients: z.array(ZAbandonedByClient),
});
export type TAbandonedAttempts = z.infer<typeof ZAbandonedAttempts>;

const TOP_CLIENTS = 10;

export async function listAbandonedAttempts(db: TDbClient, input: z.input<typeof ZListAbandonedAttemptsInput>): Promise<TAbandonedAttempts> {
  const { period } = ZListAbandonedAttemptsInput.parse(input);
  const { start, end } = periodRange(period);
  const rows = await db.$queryRawUnsafe<Array<{ clientId: string; name: string; abandoned: number; estimatedCostUsd: string; lastAt: Date }>>(
    `SELECT a."clientId"::text AS "clientId", c.name, count(*)::int AS abandoned,
            sum(a."estimatedCostUsd")::text AS "estimatedCostUsd", max(a."createdAt") AS "lastAt"
     FROM "ChatAttempt" a JOIN "Client" c ON c.id = a."clientId"
     WHERE a.status = 'abandoned' AND a."createdAt" >= $1 AND a."createdAt" < $2
     GROUP BY a."clientId", c.name
     ORDER BY sum(a."estimatedCostUsd") DESC, count(*) DESC, c.name`,
    start,
    end,
  );
  const total = rows.reduce(
    (sum, row) => ({ abandoned: sum.abandoned + row.abandoned, cost: sum.cost.plus(row.estimatedCostUsd) }),
    { abandoned: 0, cost: new Decimal(0) },
  );
  return {
    period,
    abandoned: total.abandoned,
    estimatedCostUsd: total.cost.toString(),
    clients: rows.slice(0, TOP_CLIENTS).map((row) => ({ ...row, estimatedCostUsd: new Decimal(row.estimatedCostUsd).toString(), lastAt: new Date(row.lastAt) })),
  };
}
