// Charging an invoice through Stripe from the invoice page: the app's Stripe provider
// (the official SDK) talks to a local stand-in for Stripe's API (tests/support/stripe-server.ts)
// that playwright.config.ts points STRIPE_API_BASE at. A declined card leaves the invoice
// open and says why; a good card pays it.
import { expect as baseExpect, test, type Page } from "@playwright/test";
import Decimal from "decimal.js";
import Stripe from "stripe";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TStripeServerModule from "../support/stripe-server";
import type { TStripeServer } from "../support/stripe-server";

// Loaded through tsx, like the LLM servers in widget.spec.ts.
const { startStripeServer } = requireWithTsx("../support/stripe-server.ts", __filename) as typeof TStripeServerModule;

// Must match the webServer env in playwright.config.ts.
const STRIPE = { secretKey: "sk_test_e2e_meterline", port: 3314 };
const WEBHOOK_SECRET = "whsec_e2e_meterline";
// Only its webhooks helper is used: to sign events the way Stripe does.
const signer = new Stripe("sk_test_signer_only");
const ADMIN = { email: "admin@meterline.local", password: "meterline-admin" };

const expect = baseExpect.configure({ timeout: 15_000 });
test.setTimeout(120_000);

const main = (page: Page) => page.getByRole("main");
const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: `test-results/screenshots/billing-stripe-${name}.png`, fullPage });

let stripe: TStripeServer;

test.beforeAll(async () => {
  stripe = await startStripeServer(STRIPE);
});

test.afterAll(async () => {
  await stripe?.close();
});

async function signIn(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("session-user")).toBeVisible({ timeout: 30_000 });
}

/** Opens the last open invoice with money due (other specs take the first ones); returns its number. */
async function openLastOpenInvoice(page: Page): Promise<string> {
  await page.goto("/billing?status=open&minTotal=1");
  const row = main(page).getByTestId("invoices").getByTestId("invoice-row").last();
  await expect(row).toBeVisible();
  const number = (await row.getByTestId("invoice-number").innerText()).trim();
  await row.getByTestId("invoice-number").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(number);
  return number;
}

test("an admin charges an open invoice through Stripe: a declined card is explained, a good card pays it", async ({ page }) => {
  await signIn(page);

  // Stripe shows as configured.
  await page.goto("/billing");
  await expect(main(page).getByTestId("payment-providers").locator('[data-provider="stripe"]')).toContainText("configured");
  await expect(main(page).getByTestId("payment-providers").locator('[data-provider="stripe"]')).not.toContainText("not configured");

  const number = await openLastOpenInvoice(page);
  const status = main(page).getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status");
  const before = (await status.innerText()).trim();
  expect(["pending", "overdue"]).toContain(before);
  const balance = (await main(page).getByTestId("invoice-balance").innerText()).trim();

  // A declined card: the dialog says why; nothing is paid.
  await page.getByRole("button", { name: "Charge via Stripe" }).click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Payment method/).fill("pm_card_chargeDeclined");
  await dialog.getByRole("button", { name: `Charge ${balance}` }).click();
  await expect(dialog.getByTestId("charge-outcome")).toHaveText(`The charge failed: Your card was declined. The invoice is still ${before}.`);
  await shot(page, "declined", false);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(status).toHaveText(before);
  const payments = main(page).getByTestId("invoice-payments").getByTestId("payment-row");
  await expect(payments.filter({ has: page.getByTestId("payment-status").filter({ hasText: "failed" }) })).toHaveCount(1);

  // A good card pays the balance.
  await page.getByRole("button", { name: "Charge via Stripe" }).click();
  dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Payment method/).fill("pm_card_visa");
  await dialog.getByRole("button", { name: `Charge ${balance}` }).click();
  await expect(dialog).toHaveCount(0);
  await expect(status).toHaveText("paid");
  await expect(main(page).getByTestId("invoice-balance")).toHaveText("$0.00");
  const succeeded = payments.filter({ has: page.getByTestId("payment-status").filter({ hasText: "succeeded" }) });
  await expect(succeeded).toHaveCount(1);
  await expect(succeeded.getByTestId("payment-amount")).toHaveText(balance);
  await shot(page, "paid");

  // Stripe saw two intents for this invoice, the second one succeeded for the balance in cents.
  const intents = [...stripe.intents.values()].filter((intent) => intent.metadata.invoiceNumber === number);
  expect(intents.map((intent) => intent.status)).toEqual(["requires_payment_method", "succeeded"]);
  expect(intents[1]!.amount).toBe(new Decimal(balance.replace(/[^0-9.]/g, "")).times(100).toNumber());
});

test("an admin saves a client's Stripe customer and card (Stripe checks them), then charges an invoice without typing a card", async ({ page }) => {
  await signIn(page);
  const number = await openLastOpenInvoice(page);
  const balance = (await main(page).getByTestId("invoice-balance").innerText()).trim();
  const saved = stripe.createCustomer({ last4: "4242" });

  // The client's page (its overview): no account yet.
  const invoiceUrl = page.url();
  const clientHref = (await main(page).getByTestId("invoice-client").getAttribute("href"))!;
  await page.goto(clientHref.split("?")[0]!);
  const card = main(page).getByTestId("payment-accounts").locator('[data-provider="stripe"]');
  await expect(card).toContainText("Not set");
  await card.getByRole("button", { name: "Set Stripe account" }).click();
  const dialog = page.getByRole("dialog");
  // A customer Stripe does not know is refused, in Stripe's words, and nothing is saved.
  await dialog.getByLabel("Customer id").fill("cus_typo");
  await dialog.getByLabel("Default payment method id").fill(saved.paymentMethodId);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByTestId("action-error")).toContainText("No such customer: 'cus_typo'");
  await shot(page, "account-refused", false);
  await dialog.getByLabel("Customer id").fill(saved.customerId);
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(card).toContainText(saved.customerId);
  await expect(card.getByTestId("payment-account-method")).toHaveText(`Visa •••• 4242 ${saved.paymentMethodId}`);
  await expect(card).toContainText(`by ${ADMIN.email}`);
  await shot(page, "account-saved");

  // Back to the invoice: the charge uses the saved card, with its customer.
  await page.goto(invoiceUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(number);
  await page.getByRole("button", { name: "Charge via Stripe" }).click();
  const charge = page.getByRole("dialog");
  await expect(charge.getByTestId("charge-saved-method")).toContainText(`Visa •••• 4242 (${saved.paymentMethodId})`);
  await expect(charge.getByTestId("confirm-summary")).toContainText(saved.customerId);
  await shot(page, "charge-saved-card", false);
  await charge.getByRole("button", { name: `Charge ${balance}` }).click();
  await expect(charge).toHaveCount(0);
  await expect(main(page).getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText("paid");
  const intents = [...stripe.intents.values()].filter((intent) => intent.metadata.invoiceNumber === number);
  expect(intents.map(({ customer, payment_method, status }) => ({ customer, payment_method, status }))).toEqual([
    { customer: saved.customerId, payment_method: saved.paymentMethodId, status: "succeeded" },
  ]);
});

test("a Stripe refund that arrives before its charge is acknowledged, shown as unmatched, and reprocessed once the charge is known", async ({ page, request }) => {
  const random = () => Math.random().toString(16).slice(2, 12);
  const send = (type: string, object: unknown) => {
    const payload = JSON.stringify({ id: `evt_e2e_${random()}`, object: "event", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
    return request.post("/api/billing/webhook/stripe", {
      data: payload,
      headers: { "content-type": "application/json", "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
    });
  };
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("session-user")).toBeVisible({ timeout: 30_000 });

  // An open invoice to pay through Stripe (the first one: the other Stripe test took the last).
  await page.goto("/billing?status=open&minTotal=1");
  const row = main(page).getByTestId("invoices").getByTestId("invoice-row").first();
  await expect(row).toBeVisible();
  await row.getByTestId("invoice-number").click();
  await expect(main(page).getByTestId("invoice-balance")).toBeVisible();
  const invoiceId = new URL(page.url()).pathname.split("/").pop()!;
  const cents = new Decimal((await main(page).getByTestId("invoice-balance").innerText()).replace(/[^0-9.]/g, "")).times(100).toNumber();

  // The refund's event comes first: it names a charge we do not have. Acknowledged (2xx:
  // Stripe's retries would not make the charge appear) and kept unmatched with the reason.
  const intentId = `pi_e2e_${random()}`;
  const refund = { id: `re_e2e_${random()}`, object: "refund", amount: 100, currency: "usd", status: "succeeded", payment_intent: intentId, metadata: {} };
  expect((await send("refund.created", refund)).status()).toBe(200);
  await page.goto("/billing?webhooks=failed");
  const events = main(page).getByTestId("webhook-events");
  await expect(events.getByTestId("webhooks-unmatched")).toBeVisible();
  const failed = events.getByTestId("webhook-row").filter({ hasText: "refund.created" }).first();
  await expect(failed).toContainText("Unmatched · 1 attempt");
  await expect(failed).toContainText(`no payment with id ${intentId}`);
  await expect(failed.getByRole("button", { name: "Dismiss" })).toBeVisible();
  await events.screenshot({ path: "test-results/screenshots/billing-stripe-webhook-unmatched.png" });

  // The charge's event arrives; the admin reprocesses the refund.
  const intent = { id: intentId, object: "payment_intent", amount: cents, amount_received: cents, currency: "usd", status: "succeeded", metadata: { invoiceId } };
  expect((await send("payment_intent.succeeded", intent)).status()).toBe(200);
  page.once("dialog", (dialog) => void dialog.accept());
  await failed.getByRole("button", { name: "Reprocess" }).click();
  await expect(events.getByTestId("webhook-row").filter({ hasText: "refund.created" })).toHaveCount(0);
  await events.screenshot({ path: "test-results/screenshots/billing-stripe-webhook-reprocessed.png" });

  await page.goto(`/billing/invoices/${invoiceId}`);
  await expect(main(page).getByRole("heading", { level: 1 }).locator("..").getByTestId("invoice-status")).toHaveText("partially refunded");
  await expect(main(page).getByTestId("invoice-payments").getByTestId("payment-row")).toHaveCount(2);
});

