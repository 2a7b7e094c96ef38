// The billing page's queries against DESIGN.md's target: dashboard pages <= 300 ms with
// 10,000 clients and 100,000 invoices. Usage:
//   npx tsx bench/billing-page.ts [--clients 10000] [--iterations 20] [--explain-ms 100] [--proposals] [--keep]
//
// Creates its own PostgreSQL database (meterline_bench_billing_page_<random>, dropped at the
// end unless --keep), fills it with set-based SQL (not timed): four plans with version
// snapshots (billing-run.ts's free / starter / pro, and a starter priced in EUR), the
// clients (a few in EUR, some suspended or cancelled, 1 in 400 named "Acme ..."), 10
// invoices a client on average over the 12 closed periods before now (a client's first
// invoice is in one of the 5 oldest periods: 12 to 8 invoices each), 1 line for a free
// plan's invoice and 3 for the others, the payments (charges of paid invoices, part
// payments, refunds, failed card attempts), then VACUUM ANALYZE.
//
// Then times, interleaved round by round (--iterations rounds after 3 untimed warm-up
// rounds), the domain functions the /billing page and the invoice page call, with the
// inputs the tRPC procedures pass them, and the page's whole data fetch as
// src/app/(dashboard)/billing/page.tsx does it (one Promise.all), both straight and through
// the tRPC caller (input and output validation included). Measures the data layer in this
// process only: no HTTP, no Next render, no session cookie decoding.
//
// Every statement Prisma sends is captured once per query (pg.Client.prototype.query) and
// re-run under EXPLAIN (ANALYZE, BUFFERS): a summary line each, the whole plan for the
// statements of the queries whose p50 is over --explain-ms and of any statement that ran
// for more than a fifth of that.
//
// --proposals: then adds to the bench database the indexes RESULTS.md proposes
// (PROPOSED_INDEXES), times everything again next to the first numbers, plus the proposed
// rewrite of the invoice search (a copy in this file: src/ is not changed).
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getInvoice } from "@/server/billing/get-invoice";
import { listInvoices, type TListInvoicesInput } from "@/server/billing/list-invoices";
import { getRevenueAnalytics, revenuePeriods } from "@/server/billing/revenue";
import { openDatabase, type TDatabase, type TDb } from "@/server/db/client";
import { listPayments } from "@/server/payments/list-payments";
import { listPaymentProviders } from "@/server/payments/provider-status";
import { adminQuery, adminUrl, withDatabase } from "./support";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    iterations: { type: "string", default: "20" },
    "explain-ms": { type: "string", default: "100" },
    keep: { type: "boolean", default: false },
    proposals: { type: "boolean", default: false },
  },
});
const CLIENTS = Number(values.clients);
const ITERATIONS = Number(values.iterations);
const WARMUP_ROUNDS = 3;
const EXPLAIN_MS = Number(values["explain-ms"]);
const MONTHS = 12;
/** The page's revenue window ends with the last closed month; so do the invoices. */
const NOW = new Date();
const PERIODS = revenuePeriods(MONTHS, NOW);
const LAST_PERIOD = PERIODS[PERIODS.length - 1]!;

const PLANS = {
  free: { name: "Free", pricing: { baseCost: "0", currency: "USD", prorationMode: "none", usageMultiplier: "1", metrics: {} } },
  starter: {
    name: "Starter",
    pricing: {
      baseCost: "29", currency: "USD", prorationMode: "daily", usageMultiplier: "1",
      metrics: { messages: { unitPrice: "0.002", includedUnits: 50, unit: 1 }, tokens: { unitPrice: "0.0010", includedUnits: 20_000, unit: 1_000 } },
    },
  },
  "starter-eur": {
    name: "Starter (EUR)",
    pricing: {
      baseCost: "25", currency: "EUR", prorationMode: "daily", usageMultiplier: "1",
      metrics: { messages: { unitPrice: "0.002", includedUnits: 50, unit: 1 }, tokens: { unitPrice: "0.0010", includedUnits: 20_000, unit: 1_000 } },
    },
  },
  pro: {
    name: "Pro",
    pricing: {
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
  },
} as const;

/** A deterministic UUID of version 4 (the procedures' z.uuid() checks version and variant) from md5(text). */
const uuidOf = (text: string) => `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
/** Client i's id, as the fill names it. */
const CLIENT_OF = (sql: TDatabase["sql"], i: number) =>
  sql.query<{ id: string }>(`SELECT ${uuidOf("'c' || $1::int")}::text AS id`, [i]).then((rows) => rows[0]!.id);

async function fill({ sql }: TDatabase): Promise<void> {
  for (const [key, { name, pricing }] of Object.entries(PLANS)) {
    const definition = { key, name, limits: {}, features: {}, pricing };
    await sql.query(
      `INSERT INTO "PlanConfig" (key, name, version, limits, features, pricing, "createdAt", "updatedAt") VALUES ($1, $2, 1, '{}', '{}', $3, '2020-01-01', '2020-01-01')`,
      [key, name, JSON.stringify(pricing)],
    );
    await sql.query(
      `INSERT INTO "PlanConfigVersion" ("planKey", version, snapshot, "createdAt") VALUES ($1, 1, $2, '2020-01-01')`,
      [key, JSON.stringify({ ...definition, version: 1, active: true })],
    );
  }
  // Client i: plan by i % 10 (free 10%, starter 50%, pro 40%), EUR when i % 1000 = 3,
  // suspended / cancelled 2% each, "Acme ..." when i % 400 = 11.
  await sql.query(
    `INSERT INTO "Client" (id, slug, name, "planKey", status, currency, "billingEmail", "createdAt", "updatedAt")
     SELECT ${uuidOf("'c' || i")}, 'bench-' || i,
            CASE WHEN i % 400 = 11 THEN 'Acme ' || (ARRAY['Corp','Labs','Retail','Health'])[1 + (i / 400) % 4] || ' ' || i
                 ELSE (ARRAY['Northwind','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell','Cyberdyne'])[1 + i % 10]
                      || ' ' || (ARRAY['Labs','Systems','AI','Studio','Group','Health','Retail'])[1 + (i / 10) % 7] || ' ' || i END,
            CASE WHEN i % 1000 = 3 THEN 'starter-eur' WHEN i % 10 = 0 THEN 'free' WHEN i % 10 <= 5 THEN 'starter' ELSE 'pro' END,
            (CASE WHEN i % 50 = 7 THEN 'suspended' WHEN i % 50 = 13 THEN 'cancelled' ELSE 'active' END)::"ClientStatus",
            CASE WHEN i % 1000 = 3 THEN 'EUR' ELSE 'USD' END,
            'billing' || i || '@example.com', $2::timestamptz, $2::timestamptz
     FROM generate_series(0, $1 - 1) i`,
    [CLIENTS, `${PERIODS[0]}-01T00:00:00Z`],
  );
  // The invoices, staged once so lines and payments derive from the same rows. Client i is
  // invoiced from period i % 5 on (12..8 invoices, 10 on average). Issued like a billing run:
  // the 1st of the next month at 06:00 UTC, every invoice of a period at the same instant,
  // numbered per issue year in run order; due 30 days later.
  await sql.query(
    `CREATE UNLOGGED TABLE bench_invoice AS
     WITH per AS (
       SELECT (ord - 1)::int AS p, period, (period || '-01')::timestamp AS start FROM unnest($1::text[]) WITH ORDINALITY t(period, ord)
     ), base AS (
       SELECT ${uuidOf("'inv-' || g.i || '-' || per.p")} AS id, g.i, per.p, per.period,
              per.start AT TIME ZONE 'UTC' AS period_start, (per.start + interval '1 month') AT TIME ZONE 'UTC' AS period_end,
              (per.start + interval '1 month 6 hours') AT TIME ZONE 'UTC' AS issued,
              extract(year FROM per.start + interval '1 month')::int AS year,
              c.id AS client_id, c."planKey" AS plan_key, c.currency,
              abs(hashtext('s' || g.i || '-' || per.p)) % 1000 AS h,
              abs(hashtext('m' || g.i || '-' || per.p)) AS r1, abs(hashtext('t' || g.i || '-' || per.p)) AS r2
       FROM generate_series(0, $2 - 1) g(i) JOIN "Client" c ON c.id = ${uuidOf("'c' || g.i")} JOIN per ON per.p >= g.i % 5
     ), priced AS (
       SELECT *, (CASE plan_key WHEN 'free' THEN 0 WHEN 'pro' THEN 99 WHEN 'starter-eur' THEN 25 ELSE 29 END)::numeric(14, 2) AS base_amount,
              CASE plan_key WHEN 'free' THEN 0 WHEN 'pro' THEN r1 % 5000 ELSE r1 % 2000 END AS msg_cents,
              CASE plan_key WHEN 'free' THEN 0 WHEN 'pro' THEN r2 % 60000 ELSE r2 % 15000 END AS tok_cents
       FROM base
     ), statused AS (
       SELECT *, base_amount + (msg_cents + tok_cents) / 100.0 AS total,
              CASE WHEN plan_key = 'free' THEN 'paid'
                   WHEN p = $3 THEN CASE WHEN h < 620 THEN 'paid' WHEN h < 980 THEN 'pending' ELSE 'cancelled' END
                   WHEN p = $3 - 1 THEN CASE WHEN h < 900 THEN 'paid' WHEN h < 970 THEN 'overdue' WHEN h < 985 THEN 'partially_refunded' ELSE 'cancelled' END
                   ELSE CASE WHEN h < 920 THEN 'paid' WHEN h < 940 THEN 'overdue' WHEN h < 965 THEN 'partially_refunded' WHEN h < 980 THEN 'refunded' ELSE 'cancelled' END
              END AS status
       FROM priced
     )
     SELECT *,
            'INV-' || year || '-' || lpad((row_number() OVER (PARTITION BY year ORDER BY p, i))::text, 6, '0') AS number,
            CASE WHEN status IN ('paid', 'partially_refunded', 'refunded') THEN total
                 WHEN status IN ('pending', 'overdue') AND h % 5 = 0 THEN round(total * 0.4, 2) ELSE 0 END AS amount_paid,
            CASE status WHEN 'partially_refunded' THEN round(total * 0.3, 2) WHEN 'refunded' THEN total ELSE 0 END AS amount_refunded,
            CASE WHEN status NOT IN ('paid', 'partially_refunded', 'refunded') THEN NULL WHEN total = 0 THEN issued
                 ELSE issued + (r1 % 20) * interval '1 day' + (r2 % 36000) * interval '1 second' END AS paid_at,
            issued + interval '30 days' AS due_at,
            CASE WHEN i % 4 = 0 THEN 'manual' ELSE 'stripe' END AS provider
     FROM statused`,
    [PERIODS, CLIENTS, MONTHS - 1],
  );
  await sql.query(
    `INSERT INTO "Invoice" (id, number, "clientId", period, "periodStart", "periodEnd", currency, status, "planKey", "planVersion",
       subtotal, tax, total, "amountPaid", "amountRefunded", "issuedAt", "dueAt", "paidAt", notes, "createdAt", "updatedAt")
     SELECT id, number, client_id, period, period_start, period_end, currency, status::"InvoiceStatus", plan_key, 1,
            total, 0, total, amount_paid, amount_refunded, issued, due_at, paid_at, NULL, issued, coalesce(paid_at, issued)
     FROM bench_invoice`,
  );
  await sql.query(
    `INSERT INTO "InvoiceNumberSequence" (year, "lastValue") SELECT year, count(*) FROM bench_invoice GROUP BY year`,
  );
  await sql.query(
    `INSERT INTO "InvoiceLineItem" ("invoiceId", kind, metric, description, quantity, "unitPrice", amount, "sortOrder")
     SELECT b.id, l.kind, l.metric, l.description, l.quantity, l.unit_price, l.amount, l.sort_order
     FROM bench_invoice b CROSS JOIN LATERAL (VALUES
       ('base', NULL, initcap(b.plan_key) || ' plan, ' || b.period, 1, b.base_amount, b.base_amount, 0),
       ('usage', 'messages', 'Messages', b.msg_cents * 5, 0.002, b.msg_cents / 100.0, 1),
       ('usage', 'tokens', 'Tokens (per 1,000)', b.tok_cents, 0.01, b.tok_cents / 100.0, 2)
     ) l(kind, metric, description, quantity, unit_price, amount, sort_order)
     WHERE l.sort_order = 0 OR b.plan_key <> 'free'`,
  );
  // Payments: a failed card attempt at issue for 1 in 12 paid Stripe invoices and at the due
  // date for half the overdue ones; the charge that paid (or part paid) the invoice; refunds.
  await sql.query(
    `INSERT INTO "Payment" ("invoiceId", "clientId", provider, "providerPaymentId", kind, status, amount, currency, reference,
       "failureReason", "createdBy", "createdAt", "updatedAt")
     SELECT b.id, b.client_id, b.provider,
            CASE WHEN b.provider = 'stripe' THEN (CASE x.kind WHEN 'refund' THEN 're_' ELSE 'pi_' END) || md5(b.id::text || x.tag) END,
            x.kind::"PaymentKind", x.status::"PaymentStatus", x.amount, b.currency,
            CASE WHEN b.provider = 'manual' THEN 'Bank transfer ' || b.number END,
            CASE WHEN x.status = 'failed' THEN 'card_declined' END,
            CASE WHEN b.provider = 'manual' THEN 'admin@meterline.local' END, x.at, x.at
     FROM bench_invoice b CROSS JOIN LATERAL (VALUES
       ('failed', 'charge', 'failed', b.total, CASE WHEN b.status = 'overdue' THEN b.due_at ELSE b.issued + interval '1 hour' END,
        b.provider = 'stripe' AND b.total > 0
          AND ((b.status IN ('paid', 'partially_refunded', 'refunded') AND b.h % 12 = 1) OR (b.status = 'overdue' AND b.h % 2 = 0))),
       ('charge', 'charge', 'succeeded', b.amount_paid, coalesce(b.paid_at, b.issued + (b.r1 % 10) * interval '1 day'), b.amount_paid > 0),
       ('refund', 'refund', 'succeeded', b.amount_refunded, b.paid_at + interval '5 days', b.amount_refunded > 0)
     ) x(tag, kind, status, amount, at, wanted)
     WHERE x.wanted`,
  );
  await sql.query(`DROP TABLE bench_invoice`);
  await sql.exec(`VACUUM (ANALYZE)`);
}

// ---------------------------------------------------------------------------------------
// Capturing the SQL Prisma sends (@prisma/adapter-pg calls pg.Client.prototype.query).

type TStatement = { text: string; values: unknown[] };
let captured: TStatement[] | null = null;
const clientQuery = pg.Client.prototype.query as unknown as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function query(this: unknown, ...args: unknown[]) {
  if (captured) {
    const config = args[0] as { text?: unknown; values?: unknown[] } | string;
    const text = typeof config === "string" ? config : String(config?.text ?? "");
    const params = (typeof config === "string" ? args[1] : config?.values) ?? (Array.isArray(args[1]) ? args[1] : []);
    captured.push({ text, values: Array.isArray(params) ? params : [] });
  }
  return clientQuery.apply(this, args);
};

async function capture(run: () => Promise<unknown>): Promise<TStatement[]> {
  captured = [];
  try {
    await run();
    return captured;
  } finally {
    captured = null;
  }
}

// ---------------------------------------------------------------------------------------
// What --proposals adds to the bench database, then measures again (the migration proposed
// in RESULTS.md; src/ and prisma/ are not changed by this script).

const PROPOSED_INDEXES = [
  // The (issuedAt DESC, number DESC) and Payment (createdAt DESC, id DESC) indexes proposed
  // first are now migration 20261125100621_billing_list_indexes. Still a proposal:
  // substring search (ILIKE '%...%') on the number and the client's name.
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  `CREATE INDEX "Invoice_number_trgm_idx" ON "Invoice" USING gin (number gin_trgm_ops)`,
  `CREATE INDEX "Client_name_trgm_idx" ON "Client" USING gin (name gin_trgm_ops)`,
];

const LIST_SELECT = {
  id: true, number: true, clientId: true, period: true, status: true, currency: true, total: true, amountPaid: true,
  amountRefunded: true, planKey: true, issuedAt: true, dueAt: true, paidAt: true, client: { select: { name: true } },
} as const;

/**
 * listInvoices({ search }) rewritten as proposed: the matching clients first (10,000 rows,
 * or the trigram index), then number ILIKE OR "clientId" IN (...) on Invoice alone, which an
 * index can serve (Prisma's relation filter is a LEFT JOIN with the OR above it: no index can).
 */
async function searchInvoicesTwoStep(db: TDb, search: string, page = 1, pageSize = 20) {
  const clients = await db.client.findMany({ where: { name: { contains: search, mode: "insensitive" } }, select: { id: true } });
  const where: Prisma.InvoiceWhereInput = {
    OR: [{ number: { contains: search, mode: "insensitive" } }, { clientId: { in: clients.map((client) => client.id) } }],
  };
  const [total, rows] = await Promise.all([
    db.invoice.count({ where }),
    db.invoice.findMany({ where, orderBy: [{ issuedAt: "desc" }, { number: "desc" }], skip: (page - 1) * pageSize, take: pageSize, select: LIST_SELECT }),
  ]);
  return { total, rows };
}

// ---------------------------------------------------------------------------------------

type TCase = { label: string; run: () => Promise<unknown>; explain?: boolean };
type TResult = { label: string; p50: number; p90: number; max: number; min: number; sql?: number };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const loadavg = () => os.loadavg().map((value) => value.toFixed(2)).join(" ");
const oneLine = (text: string, max = 260) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
};

/** Untimed warm-up rounds, then timed rounds; in each round every case runs once, in order. */
async function timeCases(cases: TCase[]): Promise<{ results: TResult[]; statements: Map<string, TStatement[]> }> {
  const times = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ITERATIONS; round++) {
    for (const c of cases) {
      const started = performance.now();
      await c.run();
      const ms = performance.now() - started;
      if (round >= WARMUP_ROUNDS) times.get(c.label)!.push(ms);
    }
  }
  const statements = new Map<string, TStatement[]>();
  for (const c of cases) if (c.explain) statements.set(c.label, await capture(c.run));
  const results = cases.map((c) => {
    const sorted = [...times.get(c.label)!].sort((a, b) => a - b);
    return { label: c.label, p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), max: sorted[sorted.length - 1]!, min: sorted[0]!, sql: statements.get(c.label)?.length };
  });
  return { results, statements };
}

function printTable(title: string, results: TResult[], before?: TResult[]): void {
  console.log(`\n${title}: ${ITERATIONS} timed rounds after ${WARMUP_ROUNDS} warm-up rounds, queries interleaved; ms, wall clock in this process`);
  const head = before ? "| query | SQL statements | p50 ms | max ms | p50 before | max before |" : "| query | SQL statements | p50 ms | p90 ms | max ms | min ms |";
  console.log(head);
  console.log(head.replace(/[^|]+/g, " --- "));
  for (const r of results) {
    const was = before?.find((b) => b.label === r.label);
    const cells = before ? [fmt(r.p50), fmt(r.max), was ? fmt(was.p50) : "–", was ? fmt(was.max) : "–"] : [fmt(r.p50), fmt(r.p90), fmt(r.max), fmt(r.min)];
    console.log(`| \`${r.label}\` | ${r.sql ?? "–"} | ${cells.join(" | ")} |`);
  }
}

/** Server-side cost of every captured statement (EXPLAIN ANALYZE, median of 3), and the plans of the slow ones. */
async function explainCases(url: string, cases: TCase[], results: TResult[], statements: Map<string, TStatement[]>): Promise<void> {
  const explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  try {
    for (const c of cases) {
      const list = statements.get(c.label);
      if (!list) continue;
      const slow = results.find((r) => r.label === c.label)!.p50 > EXPLAIN_MS;
      console.log(`\n## ${c.label}${slow ? `: p50 over ${EXPLAIN_MS} ms, plans below` : ""}`);
      for (const statement of list) {
        if (!/^\s*(SELECT|WITH)/i.test(statement.text)) continue;
        const runs: Array<{ planning: number; execution: number }> = [];
        for (let i = 0; i < 3; i++) {
          const result = await explainer.query<{ "QUERY PLAN": Array<{ "Planning Time": number; "Execution Time": number }> }>(
            `EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`,
            statement.values,
          );
          const plan = result.rows[0]!["QUERY PLAN"][0]!;
          runs.push({ planning: plan["Planning Time"], execution: plan["Execution Time"] });
        }
        runs.sort((a, b) => a.execution - b.execution);
        const { planning, execution } = runs[1]!;
        console.log(`- server ${fmt(execution)} ms (+ planning ${fmt(planning)} ms): ${oneLine(statement.text)}  ${oneLine(JSON.stringify(statement.values), 120)}`);
        if (slow || execution > EXPLAIN_MS / 5) {
          const plan = await explainer.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
          console.log(`\n  ${statement.text.replace(/\s+/g, " ")}\n  parameters ${oneLine(JSON.stringify(statement.values), 400)}`);
          console.log(plan.rows.map((row) => `    ${row["QUERY PLAN"]}`).join("\n"));
          console.log("");
        }
      }
    }
  } finally {
    await explainer.end();
  }
}

async function main() {
  console.log(`load average at start: ${loadavg()} (${os.cpus().length} cores, shared)`);
  const name = `meterline_bench_billing_page_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl(), name);
  const database = await openDatabase({ kind: "postgres", url, migrate: true });
  try {
    const { sql, db } = database;
    const setup = performance.now();
    await fill(database);
    const [counts] = await sql.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM "Client") AS clients,
              (SELECT count(*)::int FROM "Client" WHERE currency <> 'USD') AS eur_clients,
              (SELECT count(*)::int FROM "Invoice") AS invoices,
              (SELECT count(*)::int FROM "InvoiceLineItem") AS lines,
              (SELECT count(*)::int FROM "Payment") AS payments,
              (SELECT count(DISTINCT number)::int FROM "Invoice") AS numbers,
              (SELECT count(*)::int FROM (SELECT i.id FROM "Invoice" i JOIN "InvoiceLineItem" l ON l."invoiceId" = i.id GROUP BY i.id HAVING i.total <> sum(l.amount)) x) AS bad_totals,
              (SELECT count(*)::int FROM "Invoice" i JOIN "Client" c ON c.id = i."clientId" WHERE c.name ILIKE '%acme%') AS acme_invoices`,
    );
    const statuses = await sql.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "Invoice" GROUP BY 1 ORDER BY 2 DESC`);
    const kinds = await sql.query<{ kind: string; n: number }>(
      `SELECT kind || '/' || status AS kind, count(*)::int AS n FROM "Payment" GROUP BY 1 ORDER BY 2 DESC`,
    );
    const [server] = await sql.query<{ version: string }>(`SELECT version()`);
    console.log(`${server!.version.split(" on ")[0]}; database ${name}; periods ${PERIODS[0]}..${LAST_PERIOD}; setup (not timed) ${((performance.now() - setup) / 1000).toFixed(1)} s`);
    console.log(`filled: ${JSON.stringify(counts)}`);
    console.log(`invoice statuses: ${statuses.map((s) => `${s.status} ${s.n}`).join(", ")}`);
    console.log(`payments: ${kinds.map((k) => `${k.kind} ${k.n}`).join(", ")}`);
    if (counts!.bad_totals !== 0 || counts!.numbers !== counts!.invoices) throw new Error("the fill is inconsistent");

    const clientId = await CLIENT_OF(sql, 5); // 12 invoices, starter, Stripe: 12+ payments
    const [invoice] = await sql.query<{ id: string }>(
      `SELECT i.id::text FROM "Invoice" i WHERE i.status = 'partially_refunded' AND (SELECT count(*) FROM "Payment" p WHERE p."invoiceId" = i.id) >= 2 ORDER BY i.number LIMIT 1`,
    );
    const invoiceId = invoice!.id;
    const [numberSearch] = await sql.query<{ s: string }>(`SELECT left(max(number), 13) AS s FROM "Invoice"`);

    // As src/app/(dashboard)/billing/page.tsx fetches (paymentsPage 1), with the invoice
    // filters of the URL. The router calls getRevenueAnalytics(ctx.db, input) with
    // now = new Date(): so does this (NOW is taken at start).
    const pageData = (filters: TListInvoicesInput, search: (page: number) => Promise<unknown> = (page) => listInvoices(db, { ...filters, page })) =>
      Promise.all([
        getRevenueAnalytics(db, { months: 12 }, NOW),
        search(filters.page ?? 1),
        listInvoices(db, { status: "open", sort: "due", pageSize: 8 }),
        listInvoices(db, { status: "overdue", pageSize: 5 }),
        listPayments(db, { page: 1, pageSize: 10 }),
        listPaymentProviders(() => ({})),
      ]);
    // The same through the tRPC server caller (input parse, middleware, output parse), as
    // api.billing.* in the page; providers reads env(): a throwaway secret if none is set.
    process.env.NEXTAUTH_SECRET ||= "bench-only-not-a-secret-0123456789abcdef";
    const caller = createCaller(
      createTRPCContext({ db, session: { user: { id: "bench", email: "bench@example.com", name: "Bench", role: "viewer" } }, headers: new Headers() }),
    );
    const pageDataTrpc = () =>
      Promise.all([
        caller.billing.revenue({ months: 12 }),
        caller.billing.invoices({ page: 1 }),
        caller.billing.invoices({ status: "open", sort: "due", pageSize: 8 }),
        caller.billing.invoices({ status: "overdue", pageSize: 5 }),
        caller.billing.payments({ page: 1, pageSize: 10 }),
        caller.billing.providers(),
      ]);

    const cases: TCase[] = [
      { label: "listInvoices({}) page 1", run: () => listInvoices(db, {}), explain: true },
      { label: "listInvoices({ page: 2500 })", run: () => listInvoices(db, { page: 2500 }), explain: true },
      { label: 'listInvoices({ status: "overdue" })', run: () => listInvoices(db, { status: "overdue" }), explain: true },
      { label: `listInvoices({ period: "${LAST_PERIOD}" })`, run: () => listInvoices(db, { period: LAST_PERIOD }), explain: true },
      { label: 'listInvoices({ minTotal: "100", maxTotal: "500" })', run: () => listInvoices(db, { minTotal: "100", maxTotal: "500" }), explain: true },
      { label: 'listInvoices({ search: "acme" })', run: () => listInvoices(db, { search: "acme" }), explain: true },
      { label: `listInvoices({ search: "${numberSearch!.s}" })`, run: () => listInvoices(db, { search: numberSearch!.s }), explain: true },
      // A broad term: "Labs" is in 1 client name in 7 (about 14,000 invoices).
      { label: 'listInvoices({ search: "labs" })', run: () => listInvoices(db, { search: "labs" }), explain: true },
      { label: "listInvoices({ clientId })", run: () => listInvoices(db, { clientId }), explain: true },
      { label: 'page: listInvoices({ status: "open", sort: "due", pageSize: 8 })', run: () => listInvoices(db, { status: "open", sort: "due", pageSize: 8 }), explain: true },
      { label: 'page: listInvoices({ status: "overdue", pageSize: 5 })', run: () => listInvoices(db, { status: "overdue", pageSize: 5 }), explain: true },
      { label: "getInvoice({ id })", run: () => getInvoice(db, { id: invoiceId }), explain: true },
      { label: "getRevenueAnalytics({ months: 12 })", run: () => getRevenueAnalytics(db, { months: 12 }, NOW), explain: true },
      { label: "listPayments({})", run: () => listPayments(db, {}), explain: true },
      { label: "page: listPayments({ pageSize: 10 })", run: () => listPayments(db, { page: 1, pageSize: 10 }), explain: true },
      { label: "listPayments({ clientId })", run: () => listPayments(db, { clientId }), explain: true },
      { label: "billing page data (Promise.all, as page.tsx)", run: () => pageData({}) },
      { label: "billing page data via tRPC caller", run: pageDataTrpc },
      { label: "billing page data, ?page=2500", run: () => pageData({ page: 2500 }) },
      { label: "billing page data, ?search=acme", run: () => pageData({ search: "acme" }) },
    ];
    const partsOfPage = [
      "getRevenueAnalytics({ months: 12 })", "listInvoices({}) page 1", 'page: listInvoices({ status: "open", sort: "due", pageSize: 8 })',
      'page: listInvoices({ status: "overdue", pageSize: 5 })', "page: listPayments({ pageSize: 10 })",
    ];

    // Warm the Prisma client (query compiler, pool) outside the timing; the warm-up rounds do the rest.
    await db.client.count();
    const before = await timeCases(cases);
    const loadAfterTiming = loadavg();
    printTable("As src/ is", before.results);
    const sumOfParts = before.results.filter((r) => partsOfPage.includes(r.label)).reduce((sum, r) => sum + r.p50, 0);
    console.log(`sum of the p50s of the page's five DB calls, one after the other: ${fmt(sumOfParts)} ms`);
    console.log(`load average after timing: ${loadAfterTiming}`);
    await explainCases(url, cases, before.results, before.statements);

    if (values.proposals) {
      for (const statement of PROPOSED_INDEXES) await sql.exec(statement);
      await sql.exec(`ANALYZE`);
      const proposalCases: TCase[] = [
        ...cases,
        { label: 'proposal: search "acme", clients first (bench copy of listInvoices)', run: () => searchInvoicesTwoStep(db, "acme"), explain: true },
        { label: `proposal: search "${numberSearch!.s}", clients first`, run: () => searchInvoicesTwoStep(db, numberSearch!.s), explain: true },
        { label: 'proposal: search "labs", clients first', run: () => searchInvoicesTwoStep(db, "labs"), explain: true },
        { label: "proposal: billing page data, ?search=acme, clients first", run: () => pageData({ search: "acme" }, (page) => searchInvoicesTwoStep(db, "acme", page)) },
      ];
      console.log(`\n# With the proposed indexes\n${PROPOSED_INDEXES.join(";\n")};`);
      const after = await timeCases(proposalCases);
      printTable("With the proposed indexes (src/ unchanged unless the label says proposal)", after.results, before.results);
      console.log(`load average after timing: ${loadavg()}`);
      await explainCases(url, proposalCases, after.results, after.statements);
    }
    console.log(`\nload average at the end: ${loadavg()}`);
  } finally {
    await database.close();
    if (values.keep) console.log(`kept database ${name} (drop it: DROP DATABASE "${name}" WITH (FORCE))`);
    else await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
