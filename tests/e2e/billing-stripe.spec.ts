// Charging an invoice through Stripe from the invoice page: the app's Stripe provider
// (the official SDK) talks to a local stand-in for Stripe's API (tests/support/stripe-server.ts)
// that playwright.config.ts points STRIPE_API_BASE at. A declined card leaves the invoice
// open and says why; a good card pays it.
import { expect as baseExpect, test, type Page } from "@playwright/test";
import Decimal from "decimal.js";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TStripeServerModule from "../support/stripe-server";
import type { TStripeServer } from "../support/stripe-server";

// Loaded through tsx, like the LLM servers in widget.spec.ts.
const { startStripeServer } = requireWithTsx("../support/stripe-server.ts", __filename) as typeof TStripeServerModule;

// Must match the webServer env in playwright.config.ts.
const STRIPE = { secretKey: "sk_test_e2e_meterline", port: 3314 };
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

test("an admin charges an open invoice through Stripe: a declined card is explained, a good card pays it", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("session-user")).toBeVisible({ timeout: 30_000 });

  // Stripe shows as configured.
  await page.goto("/billing");
  await expect(main(page).getByTestId("payment-providers").locator('[data-provider="stripe"]')).toContainText("configured");
  await expect(main(page).getByTestId("payment-providers").locator('[data-provider="stripe"]')).not.toContainText("not configured");

  // The last open invoice with money due (other specs take the first ones).
  await page.goto("/billing?status=open&minTotal=1");
  const row = main(page).getByTestId("invoices").getByTestId("invoice-row").last();
  await expect(row).toBeVisible();
  const number = (await row.getByTestId("invoice-number").innerText()).trim();
  await row.getByTestId("invoice-number").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(number);
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
