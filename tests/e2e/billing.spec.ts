import { clockNow } from "@/server/clock";
import { readFile } from "node:fs/promises";
import { test, type Page } from "@playwright/test";
import Decimal from "decimal.js";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// What an admin does on the billing pages. Every test finds its own invoice through the
// UI (the first overdue, pending or paid one), so the tests do not depend on their order
// and leave the invoices other specs read alone (they read none).
test.setTimeout(120_000);

const shot = screenshots("billing");
const invoiceRows = (page: Page) => main(page).getByTestId("invoices").getByTestId("invoice-row");

/** Opens the first invoice of the list at `listUrl`; returns its number and id. */
async function openFirstInvoice(page: Page, listUrl: string): Promise<{ number: string; id: string }> {
  await page.goto(listUrl);
  const first = invoiceRows(page).first();
  await expect(first).toBeVisible();
  const number = (await first.getByTestId("invoice-number").innerText()).trim();
  await first.getByTestId("invoice-number").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(number);
  const id = new URL(page.url()).pathname.split("/").pop()!;
  return { number, id };
}

/**
 * The first invoice of a list that passes `accept`, looked at on its own page: which
 * invoices the seed left partly paid, or paid in two transfers, depends on the date, so the
 * tests look instead of assuming.
 */
async function openFirstInvoiceWhere(page: Page, listUrl: string, what: string, accept: (page: Page) => Promise<boolean>): Promise<{ number: string; id: string }> {
  await page.goto(listUrl);
  await expect(invoiceRows(page).first()).toBeVisible();
  const numbers = (await invoiceRows(page).getByTestId("invoice-number").allInnerTexts()).map((n) => n.trim());
  for (const number of numbers) {
    await page.goto(listUrl);
    await invoiceRows(page).getByTestId("invoice-number").filter({ hasText: number }).first().click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(number);
    if (await accept(page)) return { number, id: new URL(page.url()).pathname.split("/").pop()! };
  }
  throw new Error(`no invoice ${what} on ${listUrl}`);
}

/** The first invoice of a list that nothing has been paid on yet. */
function openFirstUnpaidInvoice(page: Page, listUrl: string) {
  return openFirstInvoiceWhere(page, listUrl, "with nothing paid", async (p) => (await main(p).getByTestId("invoice-paid").innerText()).trim() === "$0.00");
}

/** The last closed month, YYYY-MM (UTC): the seed invoices every closed month. */
function lastClosedPeriod(now = clockNow()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

test("an admin filters invoices by status, period and amount, and sees when nothing matches", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await expect(main(page).getByTestId("kpi-mrr")).toContainText("$");
  await expect(main(page).getByTestId("kpi-outstanding")).toContainText(/open invoice/);
  await expect(main(page).getByTestId("revenue-by-month-chart").locator(".recharts-bar-rectangle >> visible=true").first()).toBeVisible();
  await expect(main(page).getByTestId("paid-pending-chart")).toContainText("Paid");
  await expect(main(page).getByTestId("revenue-by-plan")).toContainText(/invoices?/);
  await expect(main(page).getByTestId("outstanding-row").first()).toBeVisible();
  await expect(main(page).getByTestId("payment-provider")).toHaveCount(2);
  // playwright.config.ts configures Stripe (against a local stand-in): both providers are ready.
  await expect(main(page).getByTestId("payment-providers")).not.toContainText("not configured");
  await expect(invoiceRows(page).first()).toBeVisible();
  await shot(page, "page");

  // Status: every row shows the chosen status's badge.
  await page.getByRole("navigation", { name: "Invoice status" }).getByRole("link", { name: "Paid", exact: true }).click();
  await expect(page).toHaveURL(/status=paid/);
  await expect(invoiceRows(page).first()).toBeVisible();
  for (const badge of await invoiceRows(page).getByTestId("invoice-status").all()) await expect(badge).toHaveText("paid");

  // Period (the status filter stays): every row bills that period.
  const period = lastClosedPeriod();
  await page.getByLabel("Period").selectOption(period);
  await expect(page).toHaveURL(new RegExp(`period=${period}`));
  await expect(page).toHaveURL(/status=paid/);
  await expect(invoiceRows(page).first()).toBeVisible();
  for (const row of await invoiceRows(page).all()) await expect(row).toHaveAttribute("data-period", period);

  // Amount range around the first invoice's total: every total lies inside it.
  await page.getByRole("link", { name: "Clear filters" }).first().click();
  await expect(page).toHaveURL(/\/billing$/);
  const firstTotal = new Decimal((await invoiceRows(page).first().getByTestId("invoice-total").getAttribute("data-amount"))!);
  const min = Decimal.max(0, firstTotal.minus(10)).toFixed(2);
  const max = firstTotal.plus(10).toFixed(2);
  await page.getByLabel("Total from").fill(min);
  await page.getByLabel("Total up to").fill(max);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`minTotal=${min}`));
  await expect(invoiceRows(page).first()).toBeVisible();
  for (const cell of await invoiceRows(page).getByTestId("invoice-total").all()) {
    const total = new Decimal((await cell.getAttribute("data-amount"))!);
    expect(total.gte(min) && total.lte(max), `${total.toFixed(2)} in [${min}, ${max}]`).toBe(true);
  }

  // A range the wrong way round is refused with the server's rule, beside the filters.
  await page.goto("/billing?minTotal=100&maxTotal=5");
  await expect(main(page).getByTestId("filter-error")).toContainText("Total from must not be above the maximum");

  // Nothing matches: the empty state offers to clear the filters.
  await page.goto("/billing");
  // While the filtered page gives way to this one, both may briefly hold a search box.
  await expect(page.getByLabel("Search invoices")).toHaveCount(1);
  await page.getByLabel("Search invoices").fill("zz-no-such-invoice-zz");
  await page.getByLabel("Search invoices").press("Enter");
  await expect(page).toHaveURL(/search=zz-no-such-invoice-zz/);
  await expect(main(page).getByTestId("empty-state").filter({ hasText: "No invoice matches these filters" })).toBeVisible();
  await shot(page, "no-match");
  await main(page).getByTestId("empty-state").getByRole("link", { name: "Clear filters" }).click();
  await expect(invoiceRows(page).first()).toBeVisible();
});

test("an admin marks an open invoice paid with the bank transfer's reference", async ({ page }) => {
  await signIn(page, ADMIN);
  // Something to pay: an open (pending or overdue) invoice; minTotal: a free plan's zero invoice is no use here.
  await openFirstInvoice(page, "/billing?status=open&minTotal=1");
  await expect(page.getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText(/^(pending|overdue)$/);
  const balance = (await main(page).getByTestId("invoice-balance").innerText()).trim();
  const reference = `E2E-TRANSFER-${Date.now()}`;

  await page.getByRole("button", { name: "Mark paid" }).click();
  const dialog = page.getByRole("dialog");
  // The amount starts at the balance due.
  await expect(dialog.getByLabel(/Amount received/)).toHaveValue(balance.replace(/[^0-9.]/g, ""));
  // The reference is required before anything is sent.
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText("reference");
  await dialog.getByLabel("Transfer reference").fill(reference);
  await dialog.getByRole("button", { name: "Review" }).click();
  const summary = dialog.getByTestId("confirm-summary");
  await expect(summary).toContainText(reference);
  await expect(summary).toContainText(balance);
  await expect(summary).toContainText("the invoice is paid");
  await shot(page, "mark-paid-dialog", false);

  await dialog.getByRole("button", { name: "Record payment" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText("paid");
  await expect(main(page).getByTestId("invoice-balance")).toHaveText("$0.00");
  await expect(main(page).getByTestId("invoice-paid")).toHaveText((await main(page).getByTestId("invoice-total").innerText()).trim());
  const payment = main(page).getByTestId("invoice-payments").getByTestId("payment-row").filter({ hasText: reference });
  await expect(payment).toHaveCount(1);
  await expect(payment.getByTestId("payment-amount")).toHaveText(balance);
  await expect(payment.getByTestId("payment-status")).toHaveText("succeeded");
  // The audit trail: issued by the seed's billing run, then this transfer, by this admin.
  const history = main(page).getByTestId("invoice-history").getByTestId("history-entry");
  await expect(history.first()).toContainText("Issued");
  await expect(history.last()).toContainText("Bank transfer recorded");
  await expect(history.last()).toContainText(ADMIN.email);
  await expect(history.last()).toContainText(reference);
  await expect(page.getByRole("button", { name: "Mark paid" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Refund" })).toBeVisible();
  await shot(page, "marked-paid");
});

test("an admin refunds part of a paid invoice; more than is refundable is refused and changes nothing", async ({ page }) => {
  await signIn(page, ADMIN);
  // Enough paid to refund 1.00 twice and still leave some, in one payment: with two, no
  // single payment would cover what is left (the next test covers that case).
  const { id } = await openFirstInvoiceWhere(page, "/billing?status=paid&minTotal=10", "paid in one payment", async (p) => {
    await expect(main(p).getByTestId("invoice-payments")).toBeVisible();
    return (await main(p).getByTestId("invoice-payments").getByTestId("payment-row").count()) === 1;
  });
  const paidText = (await main(page).getByTestId("invoice-paid").innerText()).trim();
  const paid = new Decimal(paidText.replace(/[^0-9.]/g, ""));
  await expect(main(page).getByTestId("invoice-refunded")).toHaveText("$0.00");

  await page.getByRole("button", { name: "Refund" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Amount to refund/).fill("1.00");
  await dialog.getByLabel("Reason").fill("E2E goodwill credit");
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("confirm-summary")).toContainText("$1.00 USD");
  await expect(dialog.getByTestId("confirm-summary")).toContainText("partially refunded");
  await shot(page, "refund-dialog", false);
  await dialog.getByRole("button", { name: "Refund $1.00" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText("partially refunded");
  await expect(main(page).getByTestId("invoice-refunded")).toHaveText("−$1.00");
  await expect(main(page).getByTestId("invoice-payments").locator('[data-testid="payment-row"][data-kind="refund"]')).toHaveCount(1);

  // More than what is left: the dialog says how much can be refunded and sends nothing.
  const refundable = paid.minus(1);
  await page.getByRole("button", { name: "Refund" }).click();
  await dialog.getByLabel(/Amount to refund/).fill(refundable.plus("0.01").toFixed(2));
  await dialog.getByLabel("Reason").fill("Too much");
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText(`At most $${refundable.toFixed(2)} can be refunded`);
  await shot(page, "refund-too-much", false);

  // The same check on the server: the dialog's amount was right when it was typed, but
  // another refund (here straight through the API, as a second admin would) lowered it.
  await dialog.getByLabel(/Amount to refund/).fill(refundable.toFixed(2));
  await dialog.getByRole("button", { name: "Review" }).click();
  const other = await page.request.post("/api/trpc/billing.refund", {
    data: { json: { invoiceId: id, amount: "1.00", reason: "E2E second admin" } },
  });
  expect(other.ok()).toBe(true);
  await dialog.getByRole("button", { name: /^Refund \$/ }).click();
  await expect(dialog.getByTestId("action-error")).toContainText("exceeds what can be refunded");
  await shot(page, "refund-refused", false);
  await dialog.getByRole("button", { name: "Back" }).click();
  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Only the two 1.00 refunds happened.
  await page.reload();
  await expect(main(page).getByTestId("invoice-refunded")).toHaveText("−$2.00");
  await expect(main(page).getByTestId("invoice-paid")).toHaveText(paidText);
  await expect(main(page).getByTestId("invoice-payments").locator('[data-testid="payment-row"][data-kind="refund"]')).toHaveCount(2);
});

test("an invoice paid in two transfers is refunded from the payment the admin picks, never more than is left of it", async ({ page }) => {
  await signIn(page, ADMIN);
  const { id } = await openFirstUnpaidInvoice(page, "/billing?status=open&minTotal=10");
  const balance = new Decimal((await main(page).getByTestId("invoice-balance").innerText()).replace(/[^0-9.]/g, ""));
  const stamp = Date.now();
  // Two transfers, as the bank statement showed them (the second admin's way: the API).
  for (const payment of [{ reference: `E2E-FIRST-${stamp}`, amount: "5.00" }, { reference: `E2E-SECOND-${stamp}`, amount: balance.minus(5).toFixed(2) }]) {
    const response = await page.request.post("/api/trpc/billing.markPaid", { data: { json: { invoiceId: id, ...payment } } });
    expect(response.ok()).toBe(true);
  }
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText("paid");

  await page.getByRole("button", { name: "Refund" }).click();
  const dialog = page.getByRole("dialog");
  const source = dialog.getByLabel("Refund from");
  await expect(source.locator("option")).toHaveText([
    "The newest payment that covers the amount",
    new RegExp(`^Bank transfer E2E-SECOND-${stamp}, .*: \\$${balance.minus(5).toFixed(2)} refundable$`),
    new RegExp(`^Bank transfer E2E-FIRST-${stamp}, .*: \\$5\\.00 refundable$`),
  ]);
  // The whole balance is in two payments: one refund cannot take it.
  await dialog.getByLabel(/Amount to refund/).fill(balance.toFixed(2));
  await dialog.getByLabel("Reason").fill("E2E contract ended");
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText("No single payment covers this amount");
  await shot(page, "refund-no-single-payment", false);
  // From the first transfer, picked by the admin.
  await source.selectOption({ label: (await source.locator("option").nth(2).innerText()).trim() });
  await dialog.getByLabel(/Amount to refund/).fill("5.01");
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText("At most $5.00 is left of this payment");
  await dialog.getByLabel(/Amount to refund/).fill("5.00");
  await dialog.getByRole("button", { name: "Review" }).click();
  await expect(dialog.getByTestId("confirm-summary")).toContainText(`Bank transfer E2E-FIRST-${stamp}`);
  await shot(page, "refund-from-payment", false);
  await dialog.getByRole("button", { name: "Refund $5.00" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(main(page).getByTestId("invoice-refunded")).toHaveText("−$5.00");

  // The first transfer is spent: only the second is left to refund from.
  await page.getByRole("button", { name: "Refund" }).click();
  await expect(dialog.getByLabel("Refund from")).toHaveCount(0);
  await expect(dialog).toContainText(`Refundable: $${balance.minus(5).toFixed(2)}`);
});

test("an admin downloads an invoice's PDF, named after its number", async ({ page }) => {
  await signIn(page, ADMIN);
  const { number } = await openFirstInvoice(page, "/billing?status=paid");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download PDF" }).click()]);
  expect(download.suggestedFilename()).toBe(`${number}.pdf`);
  const file = await readFile(await download.path());
  expect(file.subarray(0, 4).toString("latin1")).toBe("%PDF");
});

test("a viewer reads the billing page and an invoice, with no actions offered", async ({ page }) => {
  await signIn(page, VIEWER);
  await expect(page.getByTestId("session-role")).toHaveText("viewer");
  await page.goto("/billing");
  await expect(main(page).getByTestId("kpi-mrr")).toBeVisible();
  await expect(invoiceRows(page).first()).toBeVisible();
  await expect(page.getByRole("link", { name: /as PDF/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run billing…" })).toHaveCount(0);

  await openFirstInvoice(page, "/billing");
  await expect(main(page).getByTestId("invoice-lines")).toBeVisible();
  await expect(main(page).getByTestId("read-only-hint")).toBeVisible();
  await expect(main(page).getByTestId("invoice-actions")).toHaveCount(0);
  for (const name of ["Mark paid", "Refund", "Cancel invoice"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Download PDF" })).toHaveCount(0);
  await shot(page, "invoice-viewer");

  // From the invoice to all of its client's invoices.
  const client = (await main(page).getByTestId("invoice-client").innerText()).trim();
  await page.getByRole("link", { name: `All invoices of ${client}` }).click();
  await expect(page).toHaveURL(/clientId=/);
  await expect(main(page).getByTestId("client-filter")).toContainText(client);
  await expect(invoiceRows(page).first()).toBeVisible();
  for (const row of await invoiceRows(page).all()) await expect(row).toContainText(client);

  await page.goto("/billing/invoices/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "Invoice not found" })).toBeVisible();
  await page.goto("/billing/invoices/not-a-uuid");
  await expect(page.getByRole("heading", { name: "Invoice not found" })).toBeVisible();
});

test("an admin runs billing for the last closed month: the seed invoiced it already, so nothing is issued twice", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/billing");
  const period = lastClosedPeriod();

  await page.getByRole("button", { name: "Run billing…" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Month")).toHaveValue(period);
  await dialog.getByRole("button", { name: /^Invoice / }).click();
  const result = dialog.getByTestId("run-billing-result");
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toContainText("Issued now0");
  await expect(result).toContainText(/Already invoiced[1-9]/);
  await expect(result).toContainText("Failednone");
  await shot(page, "run-billing", false);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toHaveCount(0);
  await page.goto(`/billing?period=${period}`);
  await expect(invoiceRows(page).first()).toBeVisible();
});
