import { expect as baseExpect, test, type Page } from "@playwright/test";

// What an admin does with plans, in order: the tests share one server and build on
// each other (the plan "team" created first is edited, assigned and archived later),
// so they run serially. They touch only the plan "team" they create and the client
// Kestrel Insurance, which no other spec uses.
test.describe.configure({ mode: "serial" });
// Other specs' servers and builds share these 2 cores: give each step time.
const expect = baseExpect.configure({ timeout: 15_000 });
test.setTimeout(120_000);

const ADMIN = { email: "admin@meterline.local", password: "meterline-admin" };
const VIEWER = { email: "viewer@meterline.local", password: "meterline-viewer" };
const CLIENT = { search: "kestrel", name: "Kestrel Insurance" };

/** Full page, except with a dialog open: a fixed overlay only covers the viewport. */
const shot = (page: Page, name: string, fullPage = true) =>
  page.screenshot({ path: `test-results/screenshots/plans-${name}.png`, fullPage });

async function signIn(page: Page, { email, password }: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // bcrypt on a busy 2-core machine: the first sign-in can take several seconds.
  await expect(page.getByTestId("session-user")).toBeVisible({ timeout: 30_000 });
}

async function openClientPlanTab(page: Page) {
  await page.goto(`/clients?search=${CLIENT.search}`);
  await page.getByTestId("client-row").first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CLIENT.name);
  await page.getByRole("navigation", { name: "Client sections" }).getByRole("link", { name: "Plan", exact: true }).click();
  await expect(page.getByTestId("client-plan-tab")).toBeVisible();
}

const limitCell = (page: Page, metric: string, plan: string) =>
  page.getByTestId("plan-limits").locator(`tr[data-metric="${metric}"] td[data-plan="${plan}"]`);

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
  const summary = page.getByTestId("plan-error-summary");
  await expect(summary).toContainText("must be 0 or more");
  await expect(page.locator('tr[data-metric="messagesPerMonth"]').getByTestId("field-error")).toContainText("must be 0 or more");
  await shot(page, "create-invalid");

  await page.getByLabel("Limit for messagesPerMonth").fill("50");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  const card = page.locator('[data-testid="plan-card"][data-plan="team"]');
  await expect(card).toContainText("Team");
  await expect(card.getByTestId("plan-base-price")).toHaveText(/\$99\.00/);
  await expect(limitCell(page, "outputTokensPerMonth", "team")).toHaveText("2,000,000");
  await expect(limitCell(page, "outputTokensPerMonth", "pro")).toHaveText("—");
  await expect(limitCell(page, "messagesPerMonth", "team")).toHaveText("50");
  await expect(limitCell(page, "messagesPerMonth", "enterprise")).toHaveText("Unlimited");
  await shot(page, "created");
});

test("an admin moves a client to Team after reading the proration and the limits it already exceeds", async ({ page }) => {
  await signIn(page, ADMIN);
  await openClientPlanTab(page);
  await expect(page.getByTestId("current-plan")).toContainText("Pro");

  await page.getByRole("button", { name: "Change plan" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("New plan").selectOption("team");
  const preview = dialog.getByTestId("change-preview");
  await expect(preview).toBeVisible();
  await expect(preview.getByTestId("preview-proration")).toContainText("Daily");
  await expect(preview.getByTestId("preview-credit")).toHaveText(/\$\d/);
  await expect(preview.getByTestId("preview-charge")).toHaveText(/\$\d/);
  await expect(preview.getByTestId("preview-net")).toHaveText(/\$\d/);
  // Kestrel has sent far more than 50 messages this month (the seed runs up to the current hour).
  await expect(dialog.getByTestId("change-warnings")).toContainText(/messagesPerMonth [\d,]+ > 50/);

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
  await expect(page.getByTestId("current-plan")).toContainText("Team");
  const latest = page.getByTestId("plan-changes").getByRole("row").nth(1);
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

  await page.getByLabel("Limit for messagesPerMonth").fill("40");
  await page.getByRole("button", { name: "Preview impact" }).click();
  await expect(page.getByTestId("impact-count")).toHaveText(/^1 client already exceeds these limits/);
  await expect(page.getByTestId("impact-row")).toContainText(CLIENT.name);

  await page.getByLabel("Base cost per month").fill("59");
  await page.getByLabel("Unit price for messages").fill("0.0025");
  await page.getByLabel("Included units for messages").fill("500");
  await shot(page, "edit-impact");

  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  const card = page.locator('[data-testid="plan-card"][data-plan="team"]');
  await expect(card.getByTestId("plan-base-price")).toHaveText(/\$59\.00/);
  await expect(card.getByTestId("plan-version")).toHaveText("2");
  await expect(limitCell(page, "messagesPerMonth", "team")).toHaveText("40");
  const messagesPrice = page.getByTestId("plan-prices").locator('tr[data-metric="messages"] td[data-plan="team"]');
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
  await expect(page.getByTestId("plan-conflict")).toBeVisible();
  await expect(page).toHaveURL(/\/plans\/team\/edit/);
  await shot(page, "edit-conflict");
  await page.goto("/plans");
  await expect(page.locator('[data-testid="plan-card"][data-plan="team"]').getByTestId("plan-base-price")).toHaveText(/\$59\.00/);
});

test("archiving is refused while clients are on the plan, and an empty plan is archived", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/plans");
  const team = page.locator('[data-testid="plan-card"][data-plan="team"]');
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
  const legacy = page.locator('[data-testid="plan-card"][data-plan="legacy-free"]');
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
  await expect(page.getByTestId("plan-card").first()).toBeVisible();
  await expect(page.getByTestId("plan-actions")).toHaveCount(0);
  for (const name of ["Edit", "Create from copy", "Archive", "New plan"]) {
    await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await shot(page, "viewer");

  await page.goto("/plans/pro/edit");
  await expect(page.getByTestId("admin-required")).toContainText("You need the admin role");
  await expect(page.getByRole("button", { name: "Save plan" })).toHaveCount(0);
  await page.goto("/plans/new?copy=pro");
  await expect(page.getByTestId("admin-required")).toBeVisible();
  await shot(page, "viewer-edit");

  await openClientPlanTab(page);
  await expect(page.getByTestId("plan-changes")).toBeVisible();
  await expect(page.getByRole("button", { name: "Change plan" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Upgrade/ })).toHaveCount(0);
  await shot(page, "viewer-client");
});
