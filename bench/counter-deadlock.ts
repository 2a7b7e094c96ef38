// Reserving and settling usage of one busy tenant must not deadlock; this checks it
// without the HTTP stack:
//   npx tsx bench/counter-deadlock.ts [--seconds 5] [--workers 8]
//
// meterline_reserve_usage locks the client's counter rows ORDER BY (period, metric), e.g.
// costUsd, messages, tokens. Until commit eca1746, recordUsage's statement upserted the
// counters in the order of its arrays (messages, conversations, tokens, inputTokens,
// outputTokens, costUsd): two requests of one client could each hold a row the other
// needed; PostgreSQL waited deadlock_timeout (1 s), then killed one statement. Each worker
// here does what a chat request does, reserve then settle, for one shared client, with
// three settle variants:
//   - "recordUsage (src)": the app's own recordUsage (expect 0 deadlocks);
//   - "counters upsert, array order": only the counters part, in the old order (the bug);
//   - "counters upsert, ORDER BY metric": the same with ORDER BY metric (the fix).
import { randomBytes, randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import pg from "pg";
import { openDatabase } from "@/server/db/client";
import { buildReservations } from "@/server/usage/limit-metrics";
import { periodOf } from "@/server/usage/period";
import { recordUsage } from "@/server/usage/record-usage";
import { reserveUsage } from "@/server/usage/reserve-usage";
import { createChatClient } from "../tests/support/chat-fixtures";
import { adminQuery, adminUrl, withDatabase } from "./support";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const SECONDS = flag("seconds", 5);
const WORKERS = flag("workers", 8);
const LIMITS = { messagesPerMonth: 1e9, tokensPerMonth: 1e12, costLimitUSD: 1e9 };
// The order recordUsage passes its counters in (actualUsage's keys, zero amounts left out).
const ARRAY_ORDER = ["messages", "conversations", "tokens", "inputTokens", "outputTokens", "costUsd"];
const AMOUNTS = ["1", "1", "12", "7", "5", "0.000032"];

const upsert = (orderBy: boolean) => `
  INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "updatedAt")
  SELECT $1::uuid, $2, d.metric, d.amount, now() FROM unnest($3::text[], $4::numeric[]) AS d(metric, amount)
  ${orderBy ? "ORDER BY d.metric" : ""}
  ON CONFLICT ("clientId", "period", "metric")
  DO UPDATE SET "value" = "UsageCounter"."value" + EXCLUDED."value", "updatedAt" = now()`;

async function main(): Promise<void> {
  const name = `meterline_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl(), name);
  const database = await openDatabase({ kind: "postgres", url, migrate: true, poolSize: WORKERS + 2 });
  const pool = new pg.Pool({ connectionString: url, max: WORKERS + 2 });
  try {
    const variants: Array<{ name: string; settle: (clientId: string) => Promise<unknown> }> = [
      {
        name: "recordUsage (src)",
        settle: (clientId) =>
          recordUsage(database.db, {
            clientId,
            conversationId: randomUUID(),
            newConversation: true,
            idempotencyKey: randomUUID(),
            occurredAt: new Date(),
            recordedAt: new Date(),
            provider: "anthropic",
            model: "claude-sonnet-4-5",
            inputTokens: 7,
            cachedInputTokens: 0,
            outputTokens: 5,
            tokensEstimated: false,
            toolCalls: {},
            latencyMs: 1,
            status: "success",
            costUsd: new Decimal("0.000032"),
            reservations: [],
          }),
      },
      { name: "counters upsert, array order", settle: (clientId) => pool.query(upsert(false), [clientId, periodOf(new Date()), ARRAY_ORDER, AMOUNTS]) },
      { name: "counters upsert, ORDER BY metric", settle: (clientId) => pool.query(upsert(true), [clientId, periodOf(new Date()), ARRAY_ORDER, AMOUNTS]) },
    ];
    console.log(`${WORKERS} workers, one client, ${SECONDS} s per variant: reserve (3 limits) then settle, in a loop`);
    for (const variant of variants) {
      const { clientId } = await createChatClient(database.db, { limits: LIMITS });
      const reservations = buildReservations(
        LIMITS,
        { newConversation: true, estimatedInputTokens: 10, maxOutputTokens: 1024, estimatedCostUsd: new Decimal("0.01") },
        new Date(),
      );
      const counts = { requests: 0, deadlocks: 0, other: 0 };
      const until = Date.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (Date.now() < until) {
            try {
              await reserveUsage(database.db, clientId, reservations);
              await variant.settle(clientId);
              counts.requests += 1;
            } catch (error) {
              if (/deadlock detected|40P01/.test(String(error)) || (error as { code?: string }).code === "40P01") counts.deadlocks += 1;
              else {
                counts.other += 1;
                if (counts.other === 1) console.error(error);
              }
            }
          }
        }),
      );
      console.log(
        `${variant.name.padEnd(34)} ${String(counts.requests).padStart(6)} reserve+settle pairs, ${String(counts.deadlocks).padStart(4)} deadlocks, ${counts.other} other errors`,
      );
    }
  } finally {
    await pool.end();
    await database.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
