// Revenue analytics against real databases, with hand-computed figures. The suite's
// database is shared by its tests: each test uses currencies no other test uses and
// asserts only those, since MRR counts every active client whatever the window.
import { expect, it } from "vitest";
import type { TDbClient } from "@/server/db/client";
import { getRevenueAnalytics, type TCurrencyRevenue } from "@/server/billing/revenue";
import { periodRange } from "@/server/usage/period";
import { uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { createBillingClient, createPricedPlan } from "./billing-test-support";

const DAY_MS = 86_400_000;
/** Window of 5 months: 2030-11 .. 2031-03 (2031-04 is the open month). */
const NOW = new Date("2031-04-10T12:00:00Z");

type TInvoiceFixture = {
  planKey: string;
  currency: string;
  period: string;
  status: "pending" | "overdue" | "paid" | "partially_refunded" | "refunded" | "cancelled";
  total: string;
  amountPaid?: string;
  amountRefunded?: string;
};

/** One invoice with a client of its own; the client is cancelled so it adds nothing to MRR. */
async function createInvoice(db: TDbClient, fixture: TInvoiceFixture): Promise<void> {
  const clientId = await createBillingClient(db, fixture.planKey, { currency: fixture.currency, status: "cancelled" });
  const { start, end } = periodRange(fixture.period);
  await db.invoice.create({
    data: {
      number: `REV-${uniqueSuffix()}`,
      clientId,
      period: fixture.period,
      periodStart: start,
      periodEnd: end,
      currency: fixture.currency,
      status: fixture.status,
      planKey: fixture.planKey,
      planVersion: 1,
      subtotal: fixture.total,
      total: fixture.total,
      amountPaid: fixture.amountPaid ?? "0",
      amountRefunded: fixture.amountRefunded ?? "0",
      issuedAt: end,
      dueAt: new Date(end.getTime() + 14 * DAY_MS),
      paidAt: fixture.amountPaid ? end : null,
    },
  });
}

async function createActiveClients(db: TDbClient, planKey: string, currency: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await createBillingClient(db, planKey, { currency, status: "active" });
}

const ZERO_MONTH = { invoiced: "0.00", collected: "0.00", refunded: "0.00", outstanding: "0.00" };

function months(periods: string[], figures: Record<string, Partial<typeof ZERO_MONTH>>): TCurrencyRevenue["byMonth"] {
  return periods.map((period) => ({ period, ...ZERO_MONTH, ...figures[period] }));
}

function only(currencies: TCurrencyRevenue[], codes: string[]): TCurrencyRevenue[] {
  return currencies.filter((c) => codes.includes(c.currency));
}

describeEachDatabase("billing: revenue analytics", (testDb) => {
  it("sums each currency apart by billing period, excluding cancelled invoices, with MRR from active clients' base fees", async () => {
    const { db } = testDb();
    const alpha = await createPricedPlan(db, { baseCost: "49.50", currency: "EUR" }, "alpha");
    const beta = await createPricedPlan(db, { baseCost: "199", currency: "EUR" }, "beta");
    const gamma = await createPricedPlan(db, { baseCost: "20.00", currency: "GBP" }, "gamma");
    const delta = await createPricedPlan(db, { baseCost: "15", currency: "CHF" }, "delta");

    const eur = (planKey: string, period: string, status: TInvoiceFixture["status"], total: string, amountPaid?: string, amountRefunded?: string) =>
      createInvoice(db, { planKey, currency: "EUR", period, status, total, amountPaid, amountRefunded });
    // In the window.
    await eur(alpha, "2030-11", "paid", "100.00", "100.00");
    await eur(beta, "2030-11", "partially_refunded", "250.00", "250.00", "40.00");
    await eur(alpha, "2030-11", "cancelled", "75.00");
    await eur(alpha, "2031-01", "refunded", "60.00", "60.00", "60.00");
    await eur(beta, "2031-01", "overdue", "300.00");
    await eur(alpha, "2031-01", "pending", "45.25", "20.00");
    await eur(beta, "2031-03", "pending", "199.99");
    await eur(alpha, "2031-03", "paid", "49.50", "49.50");
    // Outside it: open ones still count in the all-time outstanding and overdue.
    await eur(alpha, "2030-10", "overdue", "80.00");
    await eur(beta, "2030-10", "paid", "500.00", "500.00");
    await eur(beta, "2031-04", "pending", "10.01");

    await createInvoice(db, { planKey: gamma, currency: "GBP", period: "2031-02", status: "paid", total: "30.00", amountPaid: "30.00" });
    await createInvoice(db, { planKey: gamma, currency: "GBP", period: "2031-02", status: "pending", total: "12.34" });

    await createActiveClients(db, alpha, "EUR", 2);
    await createActiveClients(db, beta, "EUR", 1);
    await createBillingClient(db, alpha, { currency: "EUR", status: "suspended" });
    await createActiveClients(db, gamma, "GBP", 1);
    await createBillingClient(db, gamma, { currency: "GBP", status: "suspended" });
    // Invoiced in GBP on a plan priced in EUR: cannot be invoiced, so it is in neither MRR.
    await createActiveClients(db, alpha, "GBP", 1);
    // A currency with active clients and no invoices at all.
    await createActiveClients(db, delta, "CHF", 2);

    const result = await getRevenueAnalytics(db, { months: 5 }, NOW);

    const periods = ["2030-11", "2030-12", "2031-01", "2031-02", "2031-03"];
    expect(result.from).toBe("2030-11");
    expect(result.to).toBe("2031-03");
    expect(only(result.currencies, ["EUR", "GBP", "CHF"])).toEqual([
      {
        currency: "EUR",
        byMonth: months(periods, {
          "2030-11": { invoiced: "350.00", collected: "310.00", refunded: "40.00" },
          "2031-01": { invoiced: "405.25", collected: "20.00", refunded: "60.00", outstanding: "325.25" },
          "2031-03": { invoiced: "249.49", collected: "49.50", outstanding: "199.99" },
        }),
        mrr: "298.00",
        mrrClients: 3,
        outstanding: "615.25",
        outstandingCount: 5,
        overdue: "380.00",
        overdueCount: 2,
        paid: { count: 4, amount: "459.50" },
        pending: { count: 3, amount: "525.24" },
        byPlan: [
          { planKey: beta, planName: `Plan ${beta}`, invoiced: "749.99", invoiceCount: 3 },
          { planKey: alpha, planName: `Plan ${alpha}`, invoiced: "254.75", invoiceCount: 4 },
        ],
      },
      {
        currency: "GBP",
        byMonth: months(periods, { "2031-02": { invoiced: "42.34", collected: "30.00", outstanding: "12.34" } }),
        mrr: "20.00",
        mrrClients: 1,
        outstanding: "12.34",
        outstandingCount: 1,
        overdue: "0.00",
        overdueCount: 0,
        paid: { count: 1, amount: "30.00" },
        pending: { count: 1, amount: "12.34" },
        byPlan: [{ planKey: gamma, planName: `Plan ${gamma}`, invoiced: "42.34", invoiceCount: 2 }],
      },
      {
        currency: "CHF",
        byMonth: months(periods, {}),
        mrr: "30.00",
        mrrClients: 2,
        outstanding: "0.00",
        outstandingCount: 0,
        overdue: "0.00",
        overdueCount: 0,
        paid: { count: 0, amount: "0.00" },
        pending: { count: 0, amount: "0.00" },
        byPlan: [],
      },
    ]);
  });

  it("defaults to the 12 closed months before now, so the open month and older periods stay out of the window", async () => {
    const { db } = testDb();
    const yen = await createPricedPlan(db, { baseCost: "1200", currency: "JPY" }, "yen");
    await createInvoice(db, { planKey: yen, currency: "JPY", period: "2029-12", status: "paid", total: "5000", amountPaid: "5000" });
    await createInvoice(db, { planKey: yen, currency: "JPY", period: "2030-01", status: "paid", total: "1200", amountPaid: "1200" });
    await createInvoice(db, { planKey: yen, currency: "JPY", period: "2030-12", status: "overdue", total: "3400" });
    await createInvoice(db, { planKey: yen, currency: "JPY", period: "2031-01", status: "pending", total: "1200" });
    await createActiveClients(db, yen, "JPY", 1);

    // Midnight on the 1st: January 2031 has just opened, December 2030 is the last closed month.
    const result = await getRevenueAnalytics(db, {}, new Date("2031-01-01T00:00:00Z"));

    const periods = Array.from({ length: 12 }, (_, i) => `2030-${String(i + 1).padStart(2, "0")}`);
    expect(result.from).toBe("2030-01");
    expect(result.to).toBe("2030-12");
    expect(only(result.currencies, ["JPY"])).toEqual([
      {
        currency: "JPY",
        byMonth: months(periods, {
          "2030-01": { invoiced: "1200.00", collected: "1200.00" },
          "2030-12": { invoiced: "3400.00", outstanding: "3400.00" },
        }),
        mrr: "1200.00",
        mrrClients: 1,
        outstanding: "4600.00",
        outstandingCount: 2,
        overdue: "3400.00",
        overdueCount: 1,
        paid: { count: 1, amount: "1200.00" },
        pending: { count: 1, amount: "3400.00" },
        byPlan: [{ planKey: yen, planName: `Plan ${yen}`, invoiced: "4600.00", invoiceCount: 2 }],
      },
    ]);
  });

  it("leaves out a currency whose only invoices in the window are cancelled and that has nothing open and no active client", async () => {
    const { db } = testDb();
    const krona = await createPricedPlan(db, { baseCost: "100", currency: "SEK" }, "krona");
    await createInvoice(db, { planKey: krona, currency: "SEK", period: "2031-02", status: "cancelled", total: "100.00" });
    await createInvoice(db, { planKey: krona, currency: "SEK", period: "2030-06", status: "paid", total: "100.00", amountPaid: "100.00" });
    await createBillingClient(db, krona, { currency: "SEK", status: "suspended" });

    const result = await getRevenueAnalytics(db, { months: 5 }, NOW);

    expect(result.currencies.map((c) => c.currency)).not.toContain("SEK");
  });

  it("rejects a window of fewer than 1 or more than 36 months", async () => {
    const { db } = testDb();
    await expect(getRevenueAnalytics(db, { months: 0 }, NOW)).rejects.toThrow();
    await expect(getRevenueAnalytics(db, { months: 37 }, NOW)).rejects.toThrow();
    await expect(getRevenueAnalytics(db, { months: 1.5 }, NOW)).rejects.toThrow();
  });
});

describeEachDatabase("billing: revenue analytics of an empty database", (testDb) => {
  it("returns the window with no currencies when there are no invoices and no active clients", async () => {
    const result = await getRevenueAnalytics(testDb().db, { months: 5 }, NOW);
    expect(result).toEqual({ from: "2030-11", to: "2031-03", currencies: [] });
  });
});
