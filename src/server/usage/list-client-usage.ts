// Every client's usage in one period, from UsageCounter: the counters are pivoted
// per client in one grouped query and paged in SQL, so the page costs the same
// with 10 clients or 10,000. Clients with no counter in the period are not listed.
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod, periodOf } from "@/server/usage/period";
import { clockNow } from "@/server/clock";
import { pagingInput, ZPageInfo, pageInfo } from "@/shared/paging";

export const CLIENT_USAGE_SORTS = ["costUsd", "messages", "tokens", "name"] as const;

export const ZListClientUsageInput = z.object({
  /** Default: the current period. */
  period: ZPeriod.optional(),
  sort: z.enum(CLIENT_USAGE_SORTS).default("costUsd"),
  ...pagingInput(),
});
export type TListClientUsageInput = z.input<typeof ZListClientUsageInput>;

export const ZClientUsageRow = z.object({
  clientId: z.string(),
  slug: z.string(),
  name: z.string(),
  status: z.enum(["active", "suspended", "cancelled"]),
  planKey: z.string(),
  planName: z.string(),
  /** Decimal strings, as stored in UsageCounter; costUsd keeps its 10 decimals. */
  messages: z.string(),
  conversations: z.string(),
  tokens: z.string(),
  toolCalls: z.string(),
  costUsd: z.string(),
});

export const ZListClientUsageOutput = z.object({
  period: z.string(),
  sort: z.enum(CLIENT_USAGE_SORTS),
  items: z.array(ZClientUsageRow),
  /** Clients with at least one counter in the period. */
  ...ZPageInfo,
});
export type TListClientUsageOutput = z.infer<typeof ZListClientUsageOutput>;

// A whitelist: the sort key never reaches SQL as text.
const ORDER_BY: Record<(typeof CLIENT_USAGE_SORTS)[number], Prisma.Sql> = {
  costUsd: Prisma.sql`u."costUsd" DESC, c.name ASC, c.id ASC`,
  messages: Prisma.sql`u.messages DESC, c.name ASC, c.id ASC`,
  tokens: Prisma.sql`u.tokens DESC, c.name ASC, c.id ASC`,
  name: Prisma.sql`c.name ASC, c.id ASC`,
};

type TRow = Omit<z.infer<typeof ZClientUsageRow>, "status"> & { status: string };

export async function listClientUsage(
  db: TDbClient,
  rawInput: TListClientUsageInput,
  now: Date = clockNow(),
): Promise<TListClientUsageOutput> {
  const input = ZListClientUsageInput.parse(rawInput);
  const period = input.period ?? periodOf(now);
  const [countRows, rows] = await Promise.all([
    db.$queryRaw<{ total: number }[]>`
      SELECT count(DISTINCT "clientId")::int AS total FROM "UsageCounter" WHERE period = ${period}`,
    // ::text keeps NUMERIC exact on its way to JS (no float, no exponent notation).
    db.$queryRaw<TRow[]>`
      WITH u AS (
        SELECT "clientId",
               COALESCE(SUM(value) FILTER (WHERE metric = 'messages'), 0)      AS messages,
               COALESCE(SUM(value) FILTER (WHERE metric = 'conversations'), 0) AS conversations,
               COALESCE(SUM(value) FILTER (WHERE metric = 'tokens'), 0)        AS tokens,
               COALESCE(SUM(value) FILTER (WHERE metric = 'toolCalls'), 0)     AS "toolCalls",
               COALESCE(SUM(value) FILTER (WHERE metric = 'costUsd'), 0)       AS "costUsd"
          FROM "UsageCounter"
         WHERE period = ${period}
         GROUP BY "clientId"
      )
      SELECT c.id AS "clientId", c.slug, c.name, c.status::text AS status, c."planKey", p.name AS "planName",
             u.messages::text AS messages, u.conversations::text AS conversations, u.tokens::text AS tokens,
             u."toolCalls"::text AS "toolCalls", u."costUsd"::text AS "costUsd"
        FROM u
        JOIN "Client" c ON c.id = u."clientId"
        JOIN "PlanConfig" p ON p.key = c."planKey"
       ORDER BY ${ORDER_BY[input.sort]}
       LIMIT ${input.pageSize} OFFSET ${(input.page - 1) * input.pageSize}`,
  ]);
  const total = countRows[0]?.total ?? 0;
  return {
    period,
    sort: input.sort,
    items: rows.map((row) => ({ ...row, status: ZClientUsageRow.shape.status.parse(row.status) })),
    ...pageInfo(input, total),
  };
}
