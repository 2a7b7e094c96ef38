import { test } from "@playwright/test";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// The Alerts page and a client's Alerts tab on the demo data: the seed leaves a resolved
// alert of last period (stored emails, a webhook that failed after every retry) and an open
// alert of this period. The app's own worker runs meanwhile (every 15 s).
test.setTimeout(120_000);

const shot = screenshots("alerts");

test("an admin sees the alerts and a stored email in the outbox, reads it, and resends a failed webhook", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Alerts");
  const alerts = main(page).getByTestId("usage-alert-row");
  await expect(alerts.first()).toBeVisible();
  await expect(main(page).getByTestId("usage-alert-state").filter({ hasText: "open" }).first()).toBeVisible();
  await expect(main(page).getByTestId("usage-alert-state").filter({ hasText: "resolved" }).first()).toContainText("new period");
  await shot(page, "page");

  // A stored email: sent, stored because the demo has no email API key; open it and read it.
  const stored = main(page).locator('[data-testid="outbox-row"][data-status="sent"][data-channel="email"]').first();
  await expect(stored).toContainText("stored (no email API key)");
  const subject = (await stored.getByTestId("outbox-subject").innerText()).trim();
  await stored.getByTestId("outbox-view").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(subject);
  await expect(main(page).getByTestId("message-status")).toHaveText("sent");
  await expect(page.frameLocator('[data-testid="email-preview"]').getByText(/reached 80% of its messages per month limit/)).toBeVisible();
  await shot(page, "stored-email");
  await page.goBack();

  // The failed webhook: its last error, and Resend puts it back in the queue.
  await main(page).getByTestId("tab-failed").click();
  await expect(page).toHaveURL(/status=failed/);
  const failed = main(page).locator('[data-testid="outbox-row"][data-status="failed"][data-channel="webhook"]').first();
  await expect(failed.getByTestId("outbox-error")).toContainText("ECONNREFUSED");
  await shot(page, "failed");
  await failed.getByTestId("outbox-resend").click();
  await expect(main(page).getByTestId("outbox").or(main(page).getByText("No failed messages."))).toBeVisible();
  await expect(main(page).locator('[data-testid="outbox-row"][data-status="failed"][data-channel="webhook"]')).toHaveCount(0);
  await main(page).getByTestId("tab-pending").click();
  await expect(page).toHaveURL(/status=pending/);
  await expect(main(page).locator('[data-testid="outbox-row"][data-status="pending"][data-channel="webhook"]').first()).toBeVisible();
});

test("an admin saves a client's webhook URL and sees its secret once; a bad URL is refused; a test is queued", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/alerts");
  // The client of the demo's open alert.
  await main(page).getByTestId("usage-alert-row").first().getByRole("link").click();
  await expect(main(page).getByTestId("client-alerts")).toBeVisible();
  const webhook = main(page).getByTestId("alert-webhook-form");

  await webhook.getByLabel("Webhook URL").fill("http://example.com/hook");
  await webhook.getByRole("button", { name: "Save webhook" }).click();
  await expect(webhook.getByTestId("field-error")).toContainText("https://");
  await expect(webhook.getByTestId("webhook-secret")).toHaveCount(0);

  await webhook.getByLabel("Webhook URL").fill("https://localhost:4/hooks/e2e");
  await webhook.getByRole("button", { name: "Save webhook" }).click();
  const secret = (await webhook.getByTestId("webhook-secret").innerText()).trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  await shot(page, "secret-once");

  await webhook.getByRole("button", { name: "Send a test" }).click();
  await expect(webhook.getByTestId("test-queued")).toContainText("queued");

  // Shown once: after a reload the URL is there, the secret is not.
  await page.reload();
  await expect(main(page).getByTestId("alert-webhook-form").getByLabel("Webhook URL")).toHaveValue("https://localhost:4/hooks/e2e");
  await expect(main(page).getByTestId("webhook-secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret.slice(6));
});

test("a viewer sees the alerts and the outbox without any action", async ({ page }) => {
  await signIn(page, VIEWER);
  await page.goto("/alerts");
  await expect(main(page).getByTestId("outbox-row").first()).toBeVisible();
  await expect(main(page).getByTestId("outbox-resend")).toHaveCount(0);
  await main(page).getByTestId("usage-alert-row").first().getByRole("link").click();
  await expect(main(page).getByTestId("alert-settings-readonly")).toBeVisible();
  await expect(main(page).getByRole("button", { name: "Save webhook" })).toHaveCount(0);
  await shot(page, "viewer-client-tab");
});
