import { test, type Page } from "@playwright/test";
import { ADMIN, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// An admin sets a plan's LLM cost settings. The tests build on each other (the plan
// "lean" created from a copy of Starter is then edited), so they run serially; they touch
// only that plan, which no other spec uses.
test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

const shot = screenshots("plan-optimization");
const PLAN = { key: "lean", name: "Lean" };

const section = (page: Page) => main(page).getByTestId("plan-optimization-section");
const planCard = (page: Page, key: string) => main(page).locator(`[data-testid="plan-card"][data-plan="${key}"]`);

async function openEditor(page: Page) {
  await page.goto(`/plans/${PLAN.key}/edit`);
  // Starts with: the second test renames the plan.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(`^Edit ${PLAN.name}`));
}

test("a copy of Starter starts with Starter's LLM cost settings, and the plans list summarizes each plan's", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/plans");
  await expect(planCard(page, "free").getByTestId("plan-optimization")).toHaveText("Lossless compression only");
  await expect(planCard(page, "starter").getByTestId("plan-optimization")).toHaveText("Budget 4,000 tokens · routing on");
  await expect(planCard(page, "pro").getByTestId("plan-optimization")).toHaveText(
    "Budget 8,000 tokens + summaries · routing on (claude-haiku-4-5) · degrade at 80 %",
  );

  await page.getByRole("link", { name: "Create from copy of Starter" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New plan from Starter");
  await expect(section(page).getByLabel("Context budget (tokens)")).toHaveValue("4000");
  await expect(section(page).getByLabel("Send simple messages to a cheaper model")).toBeChecked();
  await expect(section(page).getByLabel("Degrade at (% of cost limit)")).toHaveValue("");

  await page.getByLabel("Key", { exact: true }).fill(PLAN.key);
  await page.getByLabel("Name", { exact: true }).fill(PLAN.name);
  await page.getByLabel("Sort order").fill("9");
  await page.getByRole("button", { name: "Create plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(planCard(page, PLAN.key).getByTestId("plan-optimization")).toHaveText("Budget 4,000 tokens · routing on");
});

test("an admin sets a budget, routing and degradation; after a reload the editor and the list show them", async ({ page }) => {
  await signIn(page, ADMIN);
  await openEditor(page);
  const cost = section(page);

  // Summaries need a budget: the box is off limits until one is typed.
  await cost.getByLabel("Context budget (tokens)").fill("");
  await expect(cost.getByLabel("Summarize older turns")).toBeDisabled();
  await expect(cost.getByTestId("field-summarize-older-turns")).toContainText("Needs a context budget");
  await cost.getByLabel("Context budget (tokens)").fill("6000");
  await expect(cost.getByLabel("Summarize older turns")).toBeEnabled();
  await cost.getByLabel("Summarize older turns").check();

  await cost.getByLabel("Max characters").fill("400");
  await cost.getByLabel("Max depth (user turns)").fill("3");
  await cost.getByLabel("Cheap model").selectOption({ label: "ollama · llama3.2 — free (local)" });
  const types = cost.getByTestId("cheap-question-types");
  await types.getByLabel("Single factual questions").uncheck();
  await types.getByLabel("How-to questions").check();
  await cost.getByLabel("Degrade at (% of cost limit)").fill("75");
  await shot(page, "edit-filled");
  await cost.screenshot({ path: "test-results/screenshots/plan-optimization-section-filled.png" });

  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(planCard(page, PLAN.key).getByTestId("plan-version")).toHaveText("2");
  await expect(planCard(page, PLAN.key).getByTestId("plan-optimization")).toHaveText(
    "Budget 6,000 tokens + summaries · routing on (llama3.2) · degrade at 75 %",
  );
  await shot(page, "list");

  await openEditor(page);
  await page.reload();
  await expect(cost.getByLabel("Context budget (tokens)")).toHaveValue("6000");
  await expect(cost.getByLabel("Summarize older turns")).toBeChecked();
  await expect(cost.getByLabel("Lossless compression")).toBeChecked();
  await expect(cost.getByLabel("Send simple messages to a cheaper model")).toBeChecked();
  await expect(cost.getByLabel("Max characters")).toHaveValue("400");
  await expect(cost.getByLabel("Max depth (user turns)")).toHaveValue("3");
  await expect(cost.getByLabel("Cheap model")).toHaveValue("ollama/llama3.2");
  await expect(types.getByLabel("Greetings and thanks")).toBeChecked();
  await expect(types.getByLabel("Single factual questions")).not.toBeChecked();
  await expect(types.getByLabel("How-to questions")).toBeChecked();
  await expect(cost.getByLabel("Degrade at (% of cost limit)")).toHaveValue("75");
  await expect(cost.getByTestId("degrade-without-cost-limit")).toHaveCount(0);

  // Saving another field keeps the settings (the update replaces the whole plan).
  await page.getByLabel("Name", { exact: true }).fill("Lean (2027)");
  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(page).toHaveURL(/\/plans$/);
  await expect(planCard(page, PLAN.key)).toContainText("Lean (2027)");
  await expect(planCard(page, PLAN.key).getByTestId("plan-optimization")).toHaveText(
    "Budget 6,000 tokens + summaries · routing on (llama3.2) · degrade at 75 %",
  );
});

test("bad values are refused with the message under their field, and nothing is saved", async ({ page }) => {
  await signIn(page, ADMIN);
  await openEditor(page);
  const cost = section(page);

  // Unlimited cost: degradation would never start, and the form says so before saving.
  const costLimit = main(page).locator('tr[data-metric="costLimitUSD"]');
  await costLimit.getByLabel("Unlimited costLimitUSD").check();
  await expect(cost.getByTestId("degrade-without-cost-limit")).toContainText("never degrades");
  await costLimit.getByLabel("Unlimited costLimitUSD").uncheck();
  await expect(cost.getByTestId("degrade-without-cost-limit")).toHaveCount(0);

  await cost.getByLabel("Context budget (tokens)").fill("100");
  await cost.getByLabel("Degrade at (% of cost limit)").fill("100");
  await page.getByRole("button", { name: "Save plan" }).click();
  const summary = main(page).getByTestId("plan-error-summary");
  await expect(summary).toContainText("2 fields need fixing");
  await expect(summary).toContainText("LLM cost › Context budget: must be at least 256 tokens");
  await expect(cost.getByTestId("field-context-budget").getByTestId("field-error")).toHaveText("must be at least 256 tokens");
  await expect(cost.getByTestId("field-degrade-at").getByTestId("field-error")).toHaveText("must be at most 99 (at 100 the limit refuses)");
  await shot(page, "invalid");
  await cost.screenshot({ path: "test-results/screenshots/plan-optimization-section-invalid.png" });

  // Summaries without a budget: the box stays ticked (so it can be unticked) and the server names it.
  await cost.getByLabel("Context budget (tokens)").fill("");
  await cost.getByLabel("Degrade at (% of cost limit)").fill("75");
  await expect(cost.getByLabel("Summarize older turns")).toBeChecked();
  await page.getByRole("button", { name: "Save plan" }).click();
  await expect(summary).toContainText("one field needs fixing");
  await expect(cost.getByTestId("field-summarize-older-turns").getByTestId("field-error")).toHaveText(
    "needs a context budget: summaries replace the turns the budget leaves out",
  );
  await expect(cost.getByTestId("field-context-budget").getByTestId("field-error")).toHaveCount(0);
  await shot(page, "summarize-without-budget");
  await cost.screenshot({ path: "test-results/screenshots/plan-optimization-section-summarize-without-budget.png" });

  await page.goto("/plans");
  await expect(planCard(page, PLAN.key).getByTestId("plan-version")).toHaveText("3");
  await expect(planCard(page, PLAN.key).getByTestId("plan-optimization")).toContainText("Budget 6,000 tokens");
});
