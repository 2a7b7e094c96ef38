import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { runBilling, type TBillingProgress } from "@/server/billing/run-billing";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { seedDemoData } from "@/server/seed/seed-demo-data";
import { recentPeriods } from "@/server/usage/period";
import { describeEachDatabase, openTestDatabase, type TTestDatabase } from "../../support/test-database";
import {
  STARTER_PRICING,
  createBillingClient,
  createPricedPlan,
  invoiceNumbers,
  invoicesNotSummingToLines,
  setCounters,
} from "./billing-test-support";

const NOW = new Date("2026-12-03T09:00:00Z");

describeEachDatabase("billing: the run of a period", (testDb) => {
  it("invoices every active client once, reports progress, and a second run changes nothing", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING);
    const active: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await createBillingClient(db, plan);
      await setCounters(db, id, "2026-10", { messages: String(2000 + i * 1000) });
      active.push(id);
    }
    const suspended = await createBillingClient(db, plan, { status: "suspended" });
    const newcomer = await createBillingClient(db, plan, { createdAt: new Date("2026-11-02T00:00:00Z") });

    const progress: TBillingProgress[] = [];
    const first = await runBilling(db, { period: "2026-10", now: NOW, onProgress: (p) => progress.push(p) });
    expect(first).toMatchObject({ period: "2026-10", eligible: 4, alreadyInvoiced: 0, created: 4, existing: 0, failed: [] });
    expect(progress.map((p) => [p.done, p.total, p.outcome])).toEqual([1, 2, 3, 4].map((done) => [done, 4, "created"]));

    const totals = await db.invoice.findMany({ where: { period: "2026-10" }, select: { clientId: true, total: true }, orderBy: { total: "asc" } });
    expect(totals.map((t) => [t.clientId, t.total.toFixed(2)])).toEqual(
      ["29.00", "31.00", "33.00", "35.00"].map((total, i) => [active[i], total]),
    );
    expect(await db.invoice.count({ where: { clientId: { in: [suspended, newcomer] } } })).toBe(0);

    const before = await db.invoice.findMany({ orderBy: { number: "asc" } });
    const second = await runBilling(db, { period: "2026-10", now: new Date("2027-02-01T00:00:00Z") });
    expect(second).toMatchObject({ eligible: 4, alreadyInvoiced: 4, created: 0, existing: 0, failed: [] });
    expect(await db.invoice.findMany({ orderBy: { number: "asc" } })).toEqual(before);
  });

  it("a stopped run resumes: clients already invoiced are skipped", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING);
    const ids = [await createBillingClient(db, plan), await createBillingClient(db, plan)];
    await generateInvoice(db, { clientId: ids[0]!, period: "2026-09", now: NOW });
    const eligibleBefore = await db.client.count({ where: { status: "active", createdAt: { lt: new Date("2026-10-01T00:00:00Z") } } });
    const result = await runBilling(db, { period: "2026-09", now: NOW });
    expect(result).toMatchObject({ eligible: eligibleBefore, alreadyInvoiced: 1, created: eligibleBefore - 1, failed: [] });
  });

  it("refuses the current period", async () => {
    await expect(runBilling(testDb().db, { period: "2026-12", now: NOW })).rejects.toThrow(/has not ended/);
  });

  it("numbers stay sequential and gapless across runs", async () => {
    const numbers = await invoiceNumbers(testDb().db, 2026);
    expect(numbers.length).toBeGreaterThan(0);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  });

  it("a client that cannot be invoiced is reported and the others are still invoiced, without a gap", async () => {
    const { db } = testDb();
    const euroPlan = await createPricedPlan(db, { ...STARTER_PRICING, currency: "EUR" });
    const broken = await createBillingClient(db, euroPlan, { currency: "USD" });
    const fine = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING));
    const result = await runBilling(db, { period: "2026-07", now: NOW });
    expect(result.failed).toEqual([{ clientId: broken, message: expect.stringMatching(/invoiced in USD but plan .* is priced in EUR/) }]);
    expect(await db.invoice.count({ where: { period: "2026-07", clientId: fine } })).toBe(1);
    expect(await db.invoice.count({ where: { clientId: broken } })).toBe(0);
    const numbers = await invoiceNumbers(db, 2026);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    await db.client.update({ where: { id: broken }, data: { status: "suspended" } });
  });
});

describe("billing: two workers at once [postgres]", () => {
  let first: TTestDatabase;
  let second: TDatabase;
  beforeAll(async () => {
    first = await openTestDatabase("postgres");
    second = await openDatabase({ kind: "postgres", url: first.url!, poolSize: 4 });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it("two concurrent calls for one client produce one invoice, returned to both", async () => {
    const plan = await createPricedPlan(first.db, STARTER_PRICING);
    const clientId = await createBillingClient(first.db, plan);
    await setCounters(first.db, clientId, "2026-10", { messages: "5000" });
    const [a, b] = await Promise.all([
      generateInvoice(first.db, { clientId, period: "2026-10", now: NOW }),
      generateInvoice(second.db, { clientId, period: "2026-10", now: NOW }),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.invoice).toEqual(b.invoice);
    expect(await first.db.invoice.count({ where: { clientId } })).toBe(1);
  });

  it("two billing runs of the same period give each client exactly one invoice, numbered without gaps", async () => {
    const plan = await createPricedPlan(first.db, STARTER_PRICING);
    for (let i = 0; i < 30; i++) {
      const id = await createBillingClient(first.db, plan);
      await setCounters(first.db, id, "2026-10", { messages: String(1000 + 37 * i), tokens: String(900_000 + 12_345 * i) });
    }
    const [a, b] = await Promise.all([
      runBilling(first.db, { period: "2026-10", now: NOW }),
      runBilling(second.db, { period: "2026-10", now: NOW }),
    ]);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    const eligible = await first.db.client.count({ where: { status: "active" } });
    expect(a.alreadyInvoiced + a.created + a.existing).toBe(eligible);
    expect(await first.db.invoice.count({ where: { period: "2026-10" } })).toBe(eligible);
    const perClient = await first.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Invoice" GROUP BY "clientId", period HAVING count(*) > 1`);
    expect(perClient).toEqual([]);
    const numbers = await invoiceNumbers(first.db, 2026);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(await invoicesNotSummingToLines(first.db)).toEqual([]);
  });
});

describeEachDatabase("billing: twelve seeded months", (testDb) => {
  it("invoices every past period of the demo data, each total equal to its lines", async () => {
    const { db } = testDb();
    const now = new Date("2026-11-25T12:00:00Z");
    await seedDemoData(db, { now, clients: 5, invoices: false }); // this test issues them
    const periods = recentPeriods(13, now).slice(0, 12);
    let created = 0;
    for (const period of periods) {
      const result = await runBilling(db, { period, now });
      expect(result.failed).toEqual([]);
      created += result.created;
    }
    expect(created).toBeGreaterThan(0);
    expect(await db.invoice.count()).toBe(created);
    expect(await invoicesNotSummingToLines(db)).toEqual([]);
    // Every usage line billed exactly the period's counter.
    const mismatched = await db.$queryRawUnsafe<unknown[]>(
      `SELECT l.id FROM "InvoiceLineItem" l JOIN "Invoice" i ON i.id = l."invoiceId"
       LEFT JOIN "UsageCounter" c ON c."clientId" = i."clientId" AND c.period = i.period AND c.metric = l.metric
       WHERE l.kind = 'usage' AND (l.metadata->>'usage')::numeric <> COALESCE(c.value, 0)`,
    );
    expect(mismatched).toEqual([]);
    expect(await db.invoiceLineItem.count({ where: { kind: "usage" } })).toBeGreaterThan(0);
    const numbers = await invoiceNumbers(db, 2026);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));

    const again = await Promise.all(periods.map((period) => runBilling(db, { period, now })));
    expect(again.reduce((sum, r) => sum + r.created, 0)).toBe(0);
  });
});
