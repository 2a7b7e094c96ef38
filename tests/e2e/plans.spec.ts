import { test, type APIRequestContext, type Page } from "@playwright/test";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TLlmServersModule from "../support/llm-servers";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// Loaded through tsx, as in widget.spec.ts (Playwright cannot run its import.meta.url).
const { startLlmServers } = requireWithTsx("../support/llm-servers.ts", __filename) as typeof TLlmServersModule;
// Must match the webServer env in playwright.config.ts: the app calls these.
const LLM_PORTS = { ollama: 3311, anthropic: 3312, openai: 3313 };
const LLM_API_KEY = "e2e-fake-llm-key";

// What an admin does with plans, in order: the tests share one server and build on
// each other (the plan "team" created first is edited, assigned and archived later),
// so they run serially. They touch only the plan "team" they create and the client
// Kestrel Insurance, which no other spec uses.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);
const CLIENT = { search: "kestrel", name: "Kestrel Insurance" };

const shot = screenshots("plans");

async function openClientPlanTab(page: Page) {
  await page.goto(`/clients?search=${CLIENT.search}`);
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CLIENT.name);
  await page.getByRole("navigation", { name: "Client sections" }).getByRole("link", { name: "Plan", exact: true }).click();
  await expect(main(page).getByTestId("client-plan-tab")).toBeVisible();
}

/**
 * Kestrel's own chat traffic, through the real chat API (a secret key issued on its page,
 * the fake Anthropic server answering): the tests below need it over Team's message limit
 * this month, whatever the date and whatever the seed placed in the month so far.
 */
async function sendClientMessages(page: Page, request: APIRequestContext, count: number) {
  await page.goto(`/clients?search=${CLIENT.search}`);
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  await page.getByRole("button", { name: "New API key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("Plans e2e traffic");
  await page.getByRole("dialog").getByLabel(/^Secret/).check();
  await page.getByRole("button", { name: "Create key" }).click();
  const issued = main(page).getByTestId("issued-key");
  await expect(issued).toHaveText(/^sk_/);
  const key = (await issued.innerText()).trim();
  await page.getByRole("button", { name: "Done" }).click();

  const servers = await startLlmServers({ apiKey: LLM_API_KEY, ports: LLM_PORTS });
  try {
    for (let i = 0; i < count; i++) {
      const response = await request.post("/api/chat", {
        headers: { authorization: `Bearer ${key}` },
        data: { message: `Is claim ${i + 1} covered?` },
        timeout: 30_000,
      });
      expect(response.status(), await response.text()).toBe(200);
    }
  } finally {
    await servers.close();
  }
}

// Plan cards and limits are looked up inside <main>: a page loaded from its URL streams,
// and React holds the finished content in a hidden <div> outside <main> as well (CI once
// found the Team card twice). Same rule as billing.spec.ts.
const limitCell = (page: Page, metric: string, plan: string) =>
  page.getByRole("main").getByTestId("plan-limits").locator(`tr[data-metric="${metric}"] td[data-plan="${plan}"]`);

test("an admin creates the plan Team from a copy of Pro, with a limit on a metric no code names", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/plans");
  await page.getByRole("link", { name: "Create from copy of Pro" }).click();
  await expect(page).toHaveURL(/\/plans\/new\?copy=pro/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New plan from Pro");
  // The copy starts with Pro's settings.
  await expect(page.getByLabel("Limit for messagesPerMonth")).toHaveValue("25000");

  await page.getByLabel("Key", { exact: true }).fill("team");
  await page.getByLabel("Name", { exact: true }).fill("Team");
  // Between Pro and Enterprise: the next plan up from Team is Enterprise.
  await page.getByLabel("Sort order").fill("2");
  await page.getByLabel("Limit for messagesPerMonth").fill("-5");
  await page.getByRole("button", { name: "+ Add a limit" }).click();
  await page.getByLabel("New metric name").fill("outputTokensPerMonth");
  await page.getByLabel("Limit for outputTokensPerMonth").fill("2000000");

  // The server refuses a negative limit; its message sits under the field and in the summary.
  await page.getByRole("button", { name: "Create plan" }).click();
  const summary = main(page).getByTestId("plan-error-summary");
  await expect(summary).toContainText("must be 0 or more");
  await expect(page.locator('tr[data-metric="messagesPerMonth"]').getByTestId("field-error")).toContainText("must be 0 or more");
  await shot(page, "create-invalid");

  await page.getByLabel("Limit for messagesPerMonth").fill("5");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  const card = page.getByRole("main").locator('[data-testid="plan-card"][data-plan="team"]');
  await expect(card).toContainText("Team");
  await expect(card.getByTestId("plan-base-price")).toHaveText(/\$99\.00/);
  await expect(limitCell(page, "outputTokensPerMonth", "team")).toHaveText("2,000,000");
  await expect(limitCell(page, "outputTokensPerMonth", "pro")).toHaveText("—");
  await expect(limitCell(page, "messagesPerMonth", "team")).toHaveText("5");
  await expect(limitCell(page, "messagesPerMonth", "enterprise")).toHaveText("Unlimited");
  await shot(page, "created");
});

test("an admin moves a client to Team after reading the proration and the limits it already exceeds", async ({ page, request }) => {
  await signIn(page, ADMIN);
  await sendClientMessages(page, request, 6);
  await openClientPlanTab(page);
  await expect(main(page).getByTestId("current-plan")).toContainText("Pro");

  await page.getByRole("button", { name: "Change plan" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New plan").selectOption("team");
  const preview = dialog.getByTestId("change-preview");
  await expect(preview).toBeVisible();
  await expect(preview.getByTestId("preview-proration")).toContainText("Daily");
  await expect(preview.getByTestId("preview-credit")).toHaveText(/\$\d/);
  await expect(preview.getByTestId("preview-charge")).toHaveText(/\$\d/);
  await expect(preview.getByTestId("preview-net")).toHaveText(/\$\d/);
  // Kestrel has sent at least the 6 messages above this month: more than Team's 5.
  await expect(dialog.getByTestId("change-warnings")).toContainText(/messagesPerMonth [\d,]+ > 5(?!\d)/);

  const confirm = dialog.getByRole("button", { name: "Confirm change" });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel("Reason").fill("Moving to the team bundle, agreed by phone");
  // Over a limit already: the change needs an explicit confirmation.
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/I understand/).check();
  await expect(confirm).toBeEnabled();
  await shot(page, "change-preview", false);

  await confirm.click();
  await expect(dialog).toHaveCount(0);
  await expect(main(page).getByTestId("current-plan")).toContainText("Team");
  const latest = main(page).getByTestId("plan-changes").getByRole("row").nth(1);
  await expect(latest).toContainText("pro");
  await expect(latest).toContainText("team");
  await expect(latest).toContainText("Moving to the team bundle, agreed by phone");

  // Over 80% of a limit, the card offers the next plan up, preselected.
  const messages = page.locator('[data-testid="plan-limit"][data-metric="messagesPerMonth"]');
  await messages.getByRole("button", { name: /Upgrade to Enterprise/ }).click();
  await expect(page.getByRole("dialog").getByLabel("New plan")).toHaveValue("enterprise");
  await expect(page.getByRole("dialog").getByTestId("change-preview")).toBeVisible();
  await expect(page.getByRole("dialog").getByTestId("change-warnings")).toHaveCount(0);
  await shot(page, "upgrade-dialog", false);
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await shot(page, "change-history");
});

test("an admin edits Team's limit and pricing after previewing the impact, and a stale save is refused", async ({ page, context }) => {
  await signIn(page, ADMIN);
  await page.goto("/plans");
  await page.getByRole("link", { name: "Edit Team" }).click();
  await expect(page).toHaveURL(/\/plans\/team\/edit/);

  await page.getByLabel("Limit for messagesPerMonth").fill("4");
  await page.getByRole("button", { name: "Preview impact" }).click();
  await expect(main(page).getByTestId("impact-count")).toHaveText(/^1 client already exceeds these limits/);
  await expect(main(page).getByTestId("impact-row")).toContainText(CLIENT.name);

  await page.getByLabel("Base cost per month").fill("59");
  await page.getByLabel("Unit price for messages").fill("0.0025");
  await page.getByLabel("Included units for messages").fill("500");
  await shot(page, "edit-impact");

  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  const card = page.getByRole("main").locator('[data-testid="plan-card"][data-plan="team"]');
  await expect(card.getByTestId("plan-base-price")).toHaveText(/\$59\.00/);
  await expect(card.getByTestId("plan-version")).toHaveText("2");
  await expect(limitCell(page, "messagesPerMonth", "team")).toHaveText("4");
  const messagesPrice = main(page).getByTestId("plan-prices").locator('tr[data-metric="messages"] td[data-plan="team"]');
  await expect(messagesPrice).toContainText("$0.0025 each");
  await expect(messagesPrice).toContainText("500 included");
  await shot(page, "edited");

  // Two admins open the editor at version 2; the second save must not overwrite the first.
  await page.goto("/plans/team/edit");
  await page.waitForLoadState("networkidle");
  const other = await context.newPage();
  await other.goto("/plans/team/edit");
  // Typing before React hydrates the form would be lost to it.
  await other.waitForLoadState("networkidle");
  await other.getByLabel("Description").fill("Saved first by another admin.");
  await other.getByRole("button", { name: "Save plan" }).click();
  await expect(other).toHaveURL(/\/plans$/);
  await other.close();

  await page.getByLabel("Base cost per month").fill("69");
  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(main(page).getByTestId("plan-conflict")).toBeVisible();
  await expect(page).toHaveURL(/\/plans\/team\/edit/);
  await shot(page, "edit-conflict");
  await page.goto("/plans");
  await expect(page.getByRole("main").locator('[data-testid="plan-card"][data-plan="team"]').getByTestId("plan-base-price")).toHaveText(/\$59\.00/);
});

test("archiving is refused while clients are on the plan, and an empty plan is archived", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/plans");
  const team = page.getByRole("main").locator('[data-testid="plan-card"][data-plan="team"]');
  page.once("dialog", (dialog) => void dialog.accept());
  await team.getByRole("button", { name: "Archive" }).click();
  await expect(team.getByTestId("archive-error")).toHaveText(/1 client is on this plan/);
  await expect(team.getByTestId("plan-archived")).toHaveCount(0);
  await shot(page, "archive-refused");

  // A plan nobody is on: copied, then archived; it stays listed, marked, with no Edit.
  await page.goto("/plans/new?copy=free");
  await page.waitForLoadState("networkidle");
  await page.getByLabel("Key", { exact: true }).fill("legacy-free");
  await page.getByLabel("Name", { exact: true }).fill("Legacy Free");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  const legacy = page.getByRole("main").locator('[data-testid="plan-card"][data-plan="legacy-free"]');
  page.once("dialog", (dialog) => void dialog.accept());
  await legacy.getByRole("button", { name: "Archive" }).click();
  await expect(legacy.getByTestId("plan-archived")).toBeVisible();
  await expect(legacy.getByRole("link", { name: "Edit Legacy Free" })).toHaveCount(0);
  await expect(legacy.getByRole("button", { name: "Archive" })).toHaveCount(0);
  await shot(page, "archived");
});

test("a viewer reads the plans but finds no way to change them", async ({ page }) => {
  await signIn(page, VIEWER);
  await expect(page.getByTestId("session-role")).toHaveText("viewer");
  await page.goto("/plans");
  await expect(main(page).getByTestId("plan-card").first()).toBeVisible();
  await expect(main(page).getByTestId("plan-actions")).toHaveCount(0);
  for (const name of ["Edit", "Create from copy", "Archive", "New plan"]) {
    await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await shot(page, "viewer");

  await page.goto("/plans/pro/edit");
  await expect(main(page).getByTestId("admin-required")).toContainText("You need the admin role");
  await expect(page.getByRole("button", { name: "Save plan" })).toHaveCount(0);
  await page.goto("/plans/new?copy=pro");
  await expect(main(page).getByTestId("admin-required")).toBeVisible();
  await shot(page, "viewer-edit");

  await openClientPlanTab(page);
  await expect(main(page).getByTestId("plan-changes")).toBeVisible();
  await expect(page.getByRole("button", { name: "Change plan" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Upgrade/ })).toHaveCount(0);
  await shot(page, "viewer-client");
});
