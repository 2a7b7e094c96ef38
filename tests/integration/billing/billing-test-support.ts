// Shared by the billing suites: a priced plan with its version snapshot, a client
// created long before the periods billed, and its counters written directly.
import type { TDbClient } from "@/server/db/client";
import { ZPlanPricing, type TPlanPricingInput } from "@/shared/plan-config";
import { uniqueSuffix } from "../../support/fixtures";

/** Before every period the suites bill, so every client and plan version is in force. */
export const LONG_AGO = new Date("2020-01-01T00:00:00Z");

export const STARTER_PRICING: TPlanPricingInput = {
  baseCost: "29",
  currency: "USD",
  prorationMode: "daily",
  metrics: {
    messages: { unitPrice: "0.002", includedUnits: 2_000 },
    tokens: { unitPrice: "0.0010", includedUnits: 1_000_000, unit: 1_000 },
  },
};

export async function createPricedPlan(db: TDbClient, pricing: TPlanPricingInput, name = "plan"): Promise<string> {
  const key = `${name}-${uniqueSuffix()}`;
  const parsed = ZPlanPricing.parse(pricing);
  const definition = { key, name: `Plan ${key}`, limits: { messagesPerMonth: null }, features: {}, pricing: parsed };
  await db.planConfig.create({ data: { ...definition, version: 1, createdAt: LONG_AGO } });
  await db.planConfigVersion.create({
    data: { planKey: key, version: 1, snapshot: { ...definition, version: 1, active: true }, createdBy: "test", createdAt: LONG_AGO },
  });
  return key;
}

export async function createBillingClient(
  db: TDbClient,
  planKey: string,
  options: { currency?: string; status?: "active" | "suspended" | "cancelled"; createdAt?: Date } = {},
): Promise<string> {
  const suffix = uniqueSuffix();
  const client = await db.client.create({
    data: {
      slug: `billing-${suffix}`,
      name: `Billing ${suffix}`,
      planKey,
      currency: options.currency ?? "USD",
      status: options.status ?? "active",
      billingEmail: `billing-${suffix}@example.com`,
      createdAt: options.createdAt ?? LONG_AGO,
    },
    select: { id: true },
  });
  return client.id;
}

export async function setCounters(db: TDbClient, clientId: string, period: string, values: Record<string, string>): Promise<void> {
  await db.usageCounter.createMany({
    data: Object.entries(values).map(([metric, value]) => ({ clientId, period, metric, value })),
  });
}

/** Invoices whose total is not the sum of their lines (should be none). */
export async function invoicesNotSummingToLines(db: TDbClient): Promise<{ id: string }[]> {
  return db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT i.id::text AS id FROM "Invoice" i LEFT JOIN "InvoiceLineItem" l ON l."invoiceId" = i.id
     GROUP BY i.id HAVING i.total <> COALESCE(sum(l.amount), 0) OR i.subtotal <> i.total`,
  );
}

/** The sequence numbers of a year's invoices, ascending. */
export async function invoiceNumbers(db: TDbClient, year: number): Promise<number[]> {
  const rows = await db.invoice.findMany({ where: { number: { startsWith: `INV-${year}-` } }, select: { number: true } });
  return rows.map((r) => Number(r.number.slice(-6))).sort((a, b) => a - b);
}
