import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { TSession } from "@/server/auth/session";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { renderInvoicePdf } from "@/server/billing/invoice-pdf";
import { formatMoney } from "@/server/billing/invoice-pdf-format";
import { loadInvoicePdfData, sellerFromEnv } from "@/server/billing/invoice-pdf-data";
import { createInvoicePdfHandler } from "@/server/http/invoice-pdf-http";
import { runBilling } from "@/server/billing/run-billing";
import { updateBillingDetails } from "@/server/clients/update-billing-details";
import { seedDemoData } from "@/server/seed/seed-demo-data";
import { recentPeriods } from "@/server/usage/period";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { createBillingClient, createPricedPlan, setCounters } from "./billing-test-support";

const NOW = new Date("2026-11-25T07:00:00Z");
const SELLER_NAME = "Invoice Test Seller Ltd.";

let tmpDir: string;
beforeAll(async () => {
  tmpDir = await mkdtemp(path.join(os.tmpdir(), "meterline-invoice-pdf-"));
  // The handler reads the seller from the environment at request time, as in production.
  Object.assign(process.env, {
    NEXTAUTH_SECRET: "x".repeat(40),
    INVOICE_SELLER_NAME: SELLER_NAME,
    INVOICE_SELLER_ADDRESS: "2 Test Lane\\nTestville",
  });
});
afterAll(async () => {
  await rm(tmpDir, { recursive: true, force: true });
});

/** The PDF's text as `pdftotext -layout` extracts it (poppler-utils). */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const file = path.join(tmpDir, `${randomUUID()}.pdf`);
  await writeFile(file, pdf);
  try {
    const { stdout } = await promisify(execFile)("pdftotext", ["-layout", file, "-"], { maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } finally {
    await rm(file, { force: true });
  }
}

function sessionOf(user: TSession["user"]): TSession {
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

describeEachDatabase("billing: invoice PDF", (testDb) => {
  const request = () => new Request("http://test/api/invoices/x/pdf");
  const handlerFor = (session: TSession | null) => createInvoicePdfHandler({ getDb: async () => testDb().db, getSession: async () => session });

  it("answers 401 without a session, 403 to a viewer, 400 for a malformed id and 404 for an unknown invoice", async () => {
    const { db } = testDb();
    const admin = sessionOf(await createTestAdmin(db, "admin"));
    const viewer = sessionOf(await createTestAdmin(db, "viewer"));
    const cases: [TSession | null, string, number, string][] = [
      [null, randomUUID(), 401, "UNAUTHORIZED"],
      [viewer, randomUUID(), 403, "FORBIDDEN"],
      [admin, "not-a-uuid", 400, "BAD_REQUEST"],
      [admin, randomUUID(), 404, "NOT_FOUND"],
    ];
    for (const [session, id, status, code] of cases) {
      const response = await handlerFor(session)(request(), id);
      expect([response.status, response.headers.get("content-type")]).toEqual([status, "application/json; charset=utf-8"]);
      expect(await response.json()).toMatchObject({ error: expect.any(String), code });
    }
  });

  it("an admin downloads an invoice with usage and tier lines as a PDF named after its number", async () => {
    const { db } = testDb();
    const admin = sessionOf(await createTestAdmin(db, "admin"));
    const plan = await createPricedPlan(db, {
      baseCost: "199",
      currency: "USD",
      prorationMode: "daily",
      metrics: {
        messages: { unitPrice: "0.002", includedUnits: 2_000 },
        tokens: {
          unitPrice: "0.008",
          includedUnits: 1_000_000,
          unit: 1_000,
          tiers: {
            mode: "graduated",
            tiers: [
              { upTo: 5_000_000, unitPrice: "0.008" },
              { upTo: 20_000_000, unitPrice: "0.007" },
              { upTo: null, unitPrice: "0.006" },
            ],
          },
        },
      },
    });
    const clientId = await createBillingClient(db, plan);
    // messages: 500,000 billed x 0.002 = 1,000.00; tokens: 30M billed over three tiers = 40 + 105 + 60.
    await setCounters(db, clientId, "2026-10", { messages: "502000", tokens: "31000000" });
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });
    expect(invoice.lines.some((line) => line.kind === "usage" && line.metadata?.tierMode === "graduated")).toBe(true);
    expect(invoice.total).toBe("1404.00");

    const response = await handlerFor(admin)(request(), invoice.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${invoice.number}.pdf"`);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const body = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-length")).toBe(String(body.byteLength));
    expect(Buffer.from(body.subarray(0, 5)).toString("latin1")).toBe("%PDF-");

    const text = await pdfText(body);
    expect(text).toContain(invoice.number);
    expect(text).toContain(invoice.clientName);
    expect(formatMoney(invoice.total, invoice.currency)).toBe("1,404.00");
    expect(text).toContain("USD 1,404.00");
    expect(text).toContain("Graduated tiers");
    expect(text).toContain(SELLER_NAME);
    expect(text).toContain("Payment due within 14 days");
  });

  it("prints a Polish, Czech, Greek and Cyrillic client name as it is, in the embedded font", async () => {
    const { db } = testDb();
    const name = "Łódź Černý Ελλάδα Москва";
    const clientId = await createBillingClient(db, await createPricedPlan(db, { baseCost: "1234.5", currency: "EUR", prorationMode: "none" }), {
      currency: "EUR",
    });
    await db.client.update({ where: { id: clientId }, data: { name } });
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });

    const text = await pdfText(await renderInvoicePdf(await loadInvoicePdfData(db, invoice.id), sellerFromEnv()));
    expect(text).toContain(name);
    expect(text).toContain(invoice.number);
    expect(text).toContain("EUR 1,234.50");
  });

  it("prints the buyer as issued: postal address and tax id; a later edit shows on the next invoice only", async () => {
    const { db } = testDb();
    const admin = await createTestAdmin(db, "admin");
    const clientId = await createBillingClient(db, await createPricedPlan(db, { baseCost: "10", currency: "USD", prorationMode: "none" }));
    await updateBillingDetails(db, { id: clientId, billingEmail: "ap@acme.example", billingAddress: "1 Harbour Street\n\n  Cork T12 AB34 \nIreland", taxId: "IE1234567T" }, admin);
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-09", now: NOW });
    expect(invoice.billTo).toMatchObject({ email: "ap@acme.example", addressLines: ["1 Harbour Street", "Cork T12 AB34", "Ireland"], taxId: "IE1234567T" });

    await updateBillingDetails(db, { id: clientId, billingEmail: "ap@acme.example", billingAddress: "9 New Road\nDublin", taxId: null }, admin);
    const text = await pdfText(await renderInvoicePdf(await loadInvoicePdfData(db, invoice.id), sellerFromEnv()));
    for (const line of ["1 Harbour Street", "Cork T12 AB34", "Ireland", "Tax ID: IE1234567T", "ap@acme.example"]) expect(text).toContain(line);
    expect(text).not.toContain("9 New Road");

    const { invoice: next } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });
    expect(next.billTo).toMatchObject({ addressLines: ["9 New Road", "Dublin"], taxId: null });
    const nextText = await pdfText(await renderInvoicePdf(await loadInvoicePdfData(db, next.id), sellerFromEnv()));
    expect(nextText).toContain("9 New Road");
    expect(nextText).not.toContain("Tax ID");
  });

  it(
    "every seeded invoice renders",
    async () => {
      const { db } = testDb();
      await seedDemoData(db, { now: NOW, clients: 8 });
      // The 12 closed periods before NOW's month; a run of an already invoiced period adds nothing.
      for (const period of recentPeriods(13, NOW).slice(0, -1)) {
        const result = await runBilling(db, { period, now: NOW });
        expect(result.failed).toEqual([]);
      }
      const invoices = await db.invoice.findMany({ select: { id: true, number: true }, orderBy: { number: "asc" } });
      expect(invoices.length).toBeGreaterThan(50);

      const seller = sellerFromEnv();
      let renderMs = 0;
      for (const { id, number } of invoices) {
        const started = performance.now();
        const pdf = await renderInvoicePdf(await loadInvoicePdfData(db, id), seller);
        renderMs += performance.now() - started;
        expect(pdf.subarray(0, 5).toString("latin1"), number).toBe("%PDF-");
        expect(pdf.byteLength, number).toBeGreaterThan(2_000);
        expect(await pdfText(pdf), number).toContain(number);
      }
      console.info(`rendered ${invoices.length} invoices in ${Math.round(renderMs)} ms (${Math.round(renderMs / invoices.length)} ms each)`);
    },
    300_000,
  );
});
