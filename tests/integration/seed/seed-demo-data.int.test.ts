import { expect, it } from "vitest";
import type { TSqlConnection } from "@/server/db/migrate";
import { seedDemoData } from "@/server/seed/seed-demo-data";
import { DEMO_PAYMENT_ACTOR } from "@/server/seed/seed-demo-invoices";
import { verifyPassword } from "@/server/auth/password";
import { periodRange, recentPeriods } from "@/server/usage/period";
import { describeEachDatabase } from "../../support/test-database";

const NOW = new Date("2026-11-25T07:00:00Z");
const CLOSED_PERIODS = recentPeriods(13, NOW).slice(0, 12);

/** Counts and checksums of every invoice, payment and audit row: any write changes one. */
async function ledgerSnapshot(sql: TSqlConnection) {
  const [row] = await sql.query(`
    SELECT
      (SELECT count(*)::int FROM "Invoice") AS invoices,
      (SELECT md5(coalesce(string_agg(concat_ws('|', id, number, status, total, "amountPaid", "amountRefunded", "issuedAt", "dueAt", "paidAt", "updatedAt"), ',' ORDER BY id), ''))
         FROM "Invoice") AS "invoiceRows",
      (SELECT count(*)::int FROM "Payment") AS payments,
      (SELECT md5(coalesce(string_agg(concat_ws('|', id, "invoiceId", provider, kind, status, amount, reference, "createdAt", "updatedAt"), ',' ORDER BY id), ''))
         FROM "Payment") AS "paymentRows",
      (SELECT count(*)::int FROM "AuditLog") AS audits,
      (SELECT md5(coalesce(string_agg(concat_ws('|', id, action, "entityId", "createdAt"), ',' ORDER BY id), '')) FROM "AuditLog") AS "auditRows"`);
  return row!;
}

/** What the e2e tests expect to find after a fresh seed. */
async function expectDemoLedgerStates(sql: TSqlConnection, lastClosedPeriod: string) {
  const [states] = await sql.query<Record<string, number>>(
    `SELECT
       count(*) FILTER (WHERE status IN ('pending', 'overdue') AND "amountPaid" = 0)::int AS unpaid,
       count(*) FILTER (WHERE status IN ('pending', 'overdue') AND "amountPaid" > 0)::int AS "partlyPaid",
       count(*) FILTER (WHERE status = 'paid' AND total > 0 AND "amountPaid" = total AND "amountRefunded" = 0)::int AS paid,
       count(*) FILTER (WHERE status = 'partially_refunded')::int AS "partiallyRefunded",
       count(*) FILTER (WHERE status = 'refunded')::int AS refunded,
       count(DISTINCT status) FILTER (WHERE period = $1)::int AS "lastPeriodStatuses"
     FROM "Invoice"`,
    [lastClosedPeriod],
  );
  expect(states!.unpaid).toBeGreaterThanOrEqual(3);
  expect(states!.partlyPaid).toBeGreaterThanOrEqual(1);
  expect(states!.paid).toBeGreaterThanOrEqual(3);
  expect(states!.partiallyRefunded).toBeGreaterThanOrEqual(1);
  expect(states!.refunded).toBe(1);
  expect(states!.lastPeriodStatuses).toBeGreaterThanOrEqual(2);
}

/**
 * Every monthly usage counter that is not the sum over its client's usage events of that
 * period (UTC months): messages counts the events (the app writes none for a failed call),
 * conversations the conversations whose first event is in the period, the others sum the
 * events' columns. A counter without events, or events without their counter, is a mismatch.
 */
async function counterMismatches(sql: TSqlConnection) {
  return sql.query(`
    WITH ev AS (SELECT e.*, to_char(e."occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS period FROM "UsageEvent" e),
    firsts AS (SELECT "clientId", min(period) AS period FROM ev WHERE "conversationId" IS NOT NULL GROUP BY "clientId", "conversationId"),
    sums AS (
      SELECT "clientId", period, m.metric, m.value
        FROM (SELECT "clientId", period, count(*)::numeric AS messages, sum("inputTokens")::numeric AS input,
                     sum("outputTokens")::numeric AS output, sum("toolCallCount")::numeric AS tools, sum("costUsd") AS cost
                FROM ev GROUP BY 1, 2) s
       CROSS JOIN LATERAL (VALUES ('messages', s.messages), ('inputTokens', s.input), ('outputTokens', s.output),
                                  ('tokens', s.input + s.output), ('toolCalls', s.tools), ('costUsd', s.cost)) AS m(metric, value)
      UNION ALL
      SELECT "clientId", period, 'conversations', count(*)::numeric FROM firsts GROUP BY 1, 2
    ),
    counters AS (
      SELECT "clientId", period, metric, value FROM "UsageCounter"
       WHERE metric IN ('messages', 'conversations', 'inputTokens', 'outputTokens', 'tokens', 'toolCalls', 'costUsd')
    )
    SELECT coalesce(s."clientId", k."clientId") AS "clientId", coalesce(s.period, k.period) AS period,
           coalesce(s.metric, k.metric) AS metric, s.value::text AS events, k.value::text AS counter
      FROM sums s FULL JOIN counters k ON k."clientId" = s."clientId" AND k.period = s.period AND k.metric = s.metric
     WHERE coalesce(s.value, 0) <> coalesce(k.value, 0)
     ORDER BY 1, 2, 3`);
}

describeEachDatabase("demo seed", (testDb) => {
  it("a second run adds nothing, and counters agree with the events they summarise", async () => {
    const { db, sql } = testDb();
    const first = await seedDemoData(db, { now: NOW, clients: 5 });
    expect(first.totals.clients).toBe(5);
    expect(first.totals.usageEvents).toBeGreaterThan(1000);
    expect(first.totals.adminUsers).toBe(2);
    expect(first.totals.invoices).toBeGreaterThan(0);
    expect(first.totals.payments).toBeGreaterThan(0);
    const ledger = await ledgerSnapshot(sql);

    const second = await seedDemoData(db, { now: NOW, clients: 5 });
    expect(second.totals).toEqual(first.totals);
    expect(second.inserted.usageEvents).toBe(0);
    expect(second.inserted.clients).toBe(0);
    expect(second.inserted.invoices).toBe(0);
    expect(second.inserted.payments).toBe(0);
    expect(second.invoicesByStatus).toEqual(first.invoicesByStatus);
    expect(await ledgerSnapshot(sql)).toEqual(ledger);

    const mismatches = await sql.query(`
      WITH from_events AS (
        SELECT "clientId", to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS period,
               count(*) FILTER (WHERE status <> 'error')::numeric AS messages, sum("costUsd") AS cost
        FROM "UsageEvent" GROUP BY 1, 2
      )
      SELECT e.* FROM from_events e
      LEFT JOIN "UsageCounter" m ON m."clientId" = e."clientId" AND m.period = e.period AND m.metric = 'messages'
      LEFT JOIN "UsageCounter" c ON c."clientId" = e."clientId" AND c.period = e.period AND c.metric = 'costUsd'
      WHERE m.value IS DISTINCT FROM e.messages OR c.value IS DISTINCT FROM e.cost`);
    expect(mismatches).toEqual([]);
  });

  it("failed calls are failed attempts with the model tried, and fallback answers are marked: provider health has data", async () => {
    const { sql } = testDb();
    const [failed] = await sql.query<{ n: number; unnamed: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE provider IS NULL OR model IS NULL)::int AS unnamed FROM "ChatAttempt" WHERE status = 'failed'`,
    );
    expect(failed!.n).toBeGreaterThan(0);
    expect(failed!.unnamed).toBe(0);
    const [fallbacks] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "UsageEvent" WHERE fallback`);
    expect(fallbacks!.n).toBeGreaterThan(0);
  });

  it("every usage counter of every client and period is the sum over its usage events", async () => {
    const { sql } = testDb();
    const [events] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "UsageEvent"`);
    expect(events!.n).toBeGreaterThan(1000);
    expect(await counterMismatches(sql)).toEqual([]);
  });

  it("every active client that existed before a closed period ended has exactly one invoice for it", async () => {
    const { db } = testDb();
    const clients = await db.client.findMany({ select: { id: true, status: true, createdAt: true } });
    const invoices = await db.invoice.findMany({ select: { clientId: true, period: true } });
    const expected = CLOSED_PERIODS.flatMap((period) =>
      clients.filter((c) => c.status === "active" && c.createdAt < periodRange(period).end).map((c) => `${c.id}/${period}`),
    );
    expect(expected.length).toBeGreaterThan(CLOSED_PERIODS.length);
    expect(invoices.map((i) => `${i.clientId}/${i.period}`).sort()).toEqual(expected.sort());
  });

  it("every invoice's total is the sum of its lines", async () => {
    const { sql } = testDb();
    const offTotals = await sql.query(`
      SELECT i.number, i.total::text, coalesce(sum(l.amount), 0)::text AS lines
      FROM "Invoice" i LEFT JOIN "InvoiceLineItem" l ON l."invoiceId" = i.id
      GROUP BY i.id HAVING i.total <> coalesce(sum(l.amount), 0)`);
    expect(offTotals).toEqual([]);
  });

  it("an invoice's paid minus refunded is its succeeded charges minus its succeeded refunds", async () => {
    const { sql } = testDb();
    const offLedger = await sql.query(`
      SELECT i.number, i."amountPaid"::text, i."amountRefunded"::text
      FROM "Invoice" i LEFT JOIN "Payment" p ON p."invoiceId" = i.id AND p.status = 'succeeded'
      GROUP BY i.id
      HAVING i."amountPaid" - i."amountRefunded"
        <> coalesce(sum(CASE p.kind WHEN 'charge' THEN p.amount ELSE -p.amount END), 0)`);
    expect(offLedger).toEqual([]);
  });

  it("seeded payments are bank transfers received between the invoice's issue and now", async () => {
    const { db } = testDb();
    const charges = await db.payment.findMany({
      where: { kind: "charge" },
      select: { provider: true, reference: true, createdBy: true, createdAt: true, invoice: { select: { issuedAt: true } } },
    });
    expect(charges.length).toBeGreaterThan(0);
    for (const charge of charges) {
      expect(charge).toMatchObject({ provider: "manual", createdBy: DEMO_PAYMENT_ACTOR.email, reference: expect.stringMatching(/^BANK-\d+$/) });
      expect(charge.createdAt.getTime()).toBeGreaterThanOrEqual(charge.invoice.issuedAt.getTime());
      expect(charge.createdAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    const paid = await db.invoice.findMany({ where: { paidAt: { not: null } }, select: { number: true, periodEnd: true, issuedAt: true, paidAt: true } });
    expect(paid.length).toBeGreaterThan(0);
    for (const invoice of paid) {
      expect(invoice.paidAt!.getTime(), invoice.number).toBeGreaterThanOrEqual(invoice.issuedAt.getTime());
      expect(invoice.paidAt!.getTime(), invoice.number).toBeGreaterThanOrEqual(invoice.periodEnd.getTime());
      expect(invoice.paidAt!.getTime(), invoice.number).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it("the ledger holds unpaid, partly paid, paid, refunded and partly refunded invoices", async () => {
    const { db, sql } = testDb();
    await expectDemoLedgerStates(sql, CLOSED_PERIODS.at(-1)!);
    // Net 14 from Nov 1st: on Nov 25th whatever October left unpaid is overdue.
    expect(await db.invoice.count({ where: { status: "pending" } })).toBe(0);
  });

  it("the demo users sign in with the printed passwords and have their roles", async () => {
    const { db } = testDb();
    const users = await db.adminUser.findMany({
      where: { email: { in: ["admin@meterline.local", "viewer@meterline.local"] } },
      select: { email: true, role: true, passwordHash: true },
      orderBy: { email: "asc" },
    });
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ["admin@meterline.local", "admin"],
      ["viewer@meterline.local", "viewer"],
    ]);
    expect(await verifyPassword("meterline-admin", users[0]!.passwordHash)).toBe(true);
    expect(await verifyPassword("meterline-viewer", users[1]!.passwordHash)).toBe(true);
  });
});

// Dates, not SQL, differ from the suite above: PGlite alone keeps the file fast.
describeEachDatabase(
  "demo seed on the 1st of a month, before invoices go out at 06:00",
  (testDb) => {
    const EARLY = new Date("2026-03-01T02:00:00Z");

    it("the last closed month is issued now, nothing is dated later, and the ledger has every state", async () => {
      const { db, sql } = testDb();
      await seedDemoData(db, { now: EARLY, clients: 5 });
      const last = await db.invoice.findMany({ where: { period: "2026-02" }, select: { issuedAt: true, status: true } });
      expect(last.length).toBeGreaterThan(0);
      for (const invoice of last) expect(invoice.issuedAt).toEqual(EARLY);
      // Due on March 15th: February's unpaid invoices are still pending.
      expect(last.some((i) => i.status === "pending")).toBe(true);
      const [latest] = await sql.query<{ paid: Date | null; charged: Date | null }>(
        `SELECT (SELECT max("paidAt") FROM "Invoice") AS paid, (SELECT max("createdAt") FROM "Payment" WHERE kind = 'charge') AS charged`,
      );
      expect(new Date(latest!.paid!).getTime()).toBeLessThanOrEqual(EARLY.getTime());
      expect(new Date(latest!.charged!).getTime()).toBeLessThanOrEqual(EARLY.getTime());
      await expectDemoLedgerStates(sql, "2026-02");
    });
  },
  ["pglite"],
);

describeEachDatabase(
  "demo seed minutes into a month: the current period is never empty",
  (testDb) => {
    const NEW_YEAR = new Date("2027-01-01T00:05:00Z");

    it("every active client has this month's usage, all of it between the 1st at 00:00 and now", async () => {
      const { db, sql } = testDb();
      await seedDemoData(db, { now: NEW_YEAR, clients: 5 });
      const active = await db.client.findMany({ where: { status: "active" }, select: { id: true, slug: true } });
      expect(active.length).toBeGreaterThan(0);
      const counters = await db.usageCounter.findMany({ where: { period: "2027-01", metric: "messages" }, select: { clientId: true, value: true } });
      for (const client of active) {
        const messages = counters.find((c) => c.clientId === client.id)?.value.toNumber() ?? 0;
        expect(messages, client.slug).toBeGreaterThan(0);
      }
      const [bounds] = await sql.query<{ first: Date; last: Date; later: number }>(
        `SELECT min("occurredAt") AS first, max("occurredAt") AS last,
                (SELECT count(*)::int FROM "Message" WHERE "createdAt" > $1) AS later
         FROM "UsageEvent" WHERE "occurredAt" >= '2027-01-01T00:00:00Z'`,
        [NEW_YEAR],
      );
      expect(new Date(bounds!.first).getTime()).toBeGreaterThanOrEqual(Date.UTC(2027, 0, 1));
      expect(new Date(bounds!.last).getTime()).toBeLessThanOrEqual(NEW_YEAR.getTime());
      expect(bounds!.later).toBe(0);
      // December was closed five minutes ago: its invoices are out.
      expect(await db.invoice.count({ where: { period: "2026-12" } })).toBeGreaterThan(0);
    });

    it("this month's counters, squeezed into five minutes, are the sums over its usage events like every other month's", async () => {
      const { sql } = testDb();
      const [events] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "UsageEvent" WHERE "occurredAt" >= '2027-01-01T00:00:00Z'`);
      expect(events!.n).toBeGreaterThan(0);
      expect(await counterMismatches(sql)).toEqual([]);
    });
  },
  ["pglite"],
);
