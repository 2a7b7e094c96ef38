// The billing run against DESIGN.md's target: 10,000 clients / 1,000,000 usage events
// invoiced in <= 10 s. Usage: npx tsx bench/billing-run.ts [--clients 10000] [--events 1000000]
//
// Creates its own PostgreSQL database (meterline_bench_billing_<random>, dropped at the
// end), fills it with set-based SQL (not timed): three plans with version snapshots
// (free; starter with included units; pro with graduated token tiers and a 1.2
// multiplier), the clients, the events of one month, the counters that event ingestion
// would have kept (one GROUP BY over the events), and plan changes for 1% of clients.
// Then times runBilling for the month (cold), and the second run (idempotent: nothing to do).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { runBilling } from "@/server/billing/run-billing";
import { openDatabase } from "@/server/db/client";
import { adminQuery, adminUrl, withDatabase } from "./support";

const { values } = parseArgs({
  options: { clients: { type: "string", default: "10000" }, events: { type: "string", default: "1000000" }, batch: { type: "string" } },
});
const CLIENTS = Number(values.clients);
const EVENTS = Number(values.events);
const PERIOD = "2026-10";
const NOW = new Date("2026-11-02T06:00:00Z");

const PLANS = {
  free: { baseCost: "0", currency: "USD", prorationMode: "none", usageMultiplier: "1", metrics: {} },
  starter: {
    baseCost: "29", currency: "USD", prorationMode: "daily", usageMultiplier: "1",
    metrics: { messages: { unitPrice: "0.002", includedUnits: 50, unit: 1 }, tokens: { unitPrice: "0.0010", includedUnits: 20_000, unit: 1_000 } },
  },
  pro: {
    baseCost: "99", currency: "USD", prorationMode: "daily", usageMultiplier: "1.2",
    metrics: {
      messages: { unitPrice: "0.0015", includedUnits: 60, unit: 1 },
      toolCalls: { unitPrice: "0.001", includedUnits: 10, unit: 1 },
      tokens: {
        unitPrice: "0.008", includedUnits: 10_000, unit: 1_000,
        tiers: { mode: "graduated", tiers: [{ upTo: 20_000, unitPrice: "0.008" }, { upTo: 60_000, unitPrice: "0.007" }, { upTo: null, unitPrice: "0.006" }] },
      },
    },
  },
} as const;

async function main() {
  const name = `meterline_bench_billing_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const database = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl(), name), migrate: true });
  try {
    const { sql, db } = database;
    const setup = performance.now();
    for (const [key, pricing] of Object.entries(PLANS)) {
      const definition = { key, name: key, limits: {}, features: {}, pricing };
      await sql.query(
        `INSERT INTO "PlanConfig" (key, name, version, limits, features, pricing, "createdAt", "updatedAt") VALUES ($1, $1, 1, '{}', '{}', $2, '2020-01-01', '2020-01-01')`,
        [key, JSON.stringify(pricing)],
      );
      await sql.query(
        `INSERT INTO "PlanConfigVersion" ("planKey", version, snapshot, "createdAt") VALUES ($1, 1, $2, '2020-01-01')`,
        [key, JSON.stringify({ ...definition, version: 1, active: true })],
      );
    }
    await sql.query(
      `INSERT INTO "Client" (id, slug, name, "planKey", "billingEmail", "createdAt", "updatedAt")
       SELECT md5('c' || i)::uuid, 'bench-' || i, 'Bench ' || i, (ARRAY['free','starter','pro'])[1 + i % 3], 'b' || i || '@example.com', '2025-01-01', '2025-01-01'
       FROM generate_series(0, $1 - 1) i`,
      [CLIENTS],
    );
    await sql.query(
      `INSERT INTO "UsageEvent" ("clientId", "idempotencyKey", "occurredAt", provider, model, "inputTokens", "outputTokens", "toolCallCount", status, "costUsd")
       SELECT md5('c' || (g % $2))::uuid, 'e' || g, timestamptz '2026-10-01' + (g % 2678400) * interval '1 second', 'anthropic', 'claude-haiku-4-5',
              100 + g % 900, 50 + g % 450, g % 3, (CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END)::"UsageStatus", (g % 1000) * 0.0000137
       FROM generate_series(0, $1 - 1) g`,
      [EVENTS, CLIENTS],
    );
    await sql.query(
      `INSERT INTO "UsageCounter" ("clientId", period, metric, value)
       SELECT u."clientId", $1, m.metric, m.value FROM (
         SELECT "clientId", count(*) FILTER (WHERE status <> 'error') AS messages, sum("inputTokens" + "outputTokens") AS tokens,
                sum("toolCallCount") AS tool_calls, sum("costUsd") AS cost
         FROM "UsageEvent" GROUP BY "clientId") u
       CROSS JOIN LATERAL (VALUES ('messages', u.messages::numeric), ('tokens', u.tokens::numeric), ('toolCalls', u.tool_calls::numeric), ('costUsd', u.cost)) m(metric, value)`,
      [PERIOD],
    );
    await sql.query(
      `INSERT INTO "PlanChange" ("clientId", "fromPlanKey", "fromPlanVersion", "toPlanKey", "toPlanVersion", "effectiveAt", "prorationMode", "creditAmount", "chargeAmount", currency)
       SELECT md5('c' || i)::uuid, 'starter', 1, 'pro', 1, timestamptz '2026-10-16 12:00Z', 'daily', 14.97, 51.10, 'USD'
       FROM generate_series(0, $1 - 1) i WHERE i % 3 = 1 AND i % 100 = 1`,
      [CLIENTS],
    );
    await sql.exec(`ANALYZE`);
    console.log(`setup: ${CLIENTS} clients, ${EVENTS} events in ${((performance.now() - setup) / 1000).toFixed(1)} s (not timed)`);

    // Warm the Prisma client (its query compiler and pool) outside the timing, as a long-lived worker would be.
    await db.client.count();
    const batchSize = values.batch ? Number(values.batch) : undefined;
    const cold = await runBilling(db, { period: PERIOD, now: NOW, batchSize });
    console.log(`run 1: ${cold.created} invoices issued, ${cold.failed.length} failed, in ${(cold.durationMs / 1000).toFixed(2)} s`);
    const warm = await runBilling(db, { period: PERIOD, now: NOW, batchSize });
    console.log(`run 2: ${warm.created} issued, ${warm.alreadyInvoiced} already invoiced, in ${(warm.durationMs / 1000).toFixed(2)} s`);
    const [check] = await sql.query<{ invoices: number; lines: number; bad: number; max_number: string }>(
      `SELECT (SELECT count(*)::int FROM "Invoice") AS invoices, (SELECT count(*)::int FROM "InvoiceLineItem") AS lines,
              (SELECT count(*)::int FROM (SELECT i.id FROM "Invoice" i JOIN "InvoiceLineItem" l ON l."invoiceId" = i.id GROUP BY i.id HAVING i.total <> sum(l.amount)) x) AS bad,
              (SELECT max(number) FROM "Invoice") AS max_number`,
    );
    console.log(`check: ${check!.invoices} invoices, ${check!.lines} lines, ${check!.bad} totals not equal to their lines, last number ${check!.max_number}`);
    if (cold.created !== CLIENTS || check!.bad !== 0) process.exitCode = 1;
  } finally {
    await database.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
