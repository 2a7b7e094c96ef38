import { randomBytes } from "node:crypto";
import { test, type Page } from "@playwright/test";
import { ADMIN, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// Provider analytics on the demo data. Maple & Main Realty (starter plan, no override, 70
// days of usage) is used by no other spec. The model retired here is one this spec prices
// itself, so no other spec's model choices change.
test.setTimeout(180_000);

const shot = screenshots("provider-optimization");
const CLIENT = "Maple & Main Realty";

async function openProviderTab(page: Page) {
  await page.goto(`/clients?search=${encodeURIComponent("maple")}`);
  await main(page).getByRole("link", { name: CLIENT }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CLIENT);
  await page.getByRole("navigation", { name: "Client sections" }).getByRole("link", { name: "Provider", exact: true }).click();
  await expect(page).toHaveURL(/tab=provider/);
  await expect(main(page).getByTestId("client-provider")).toBeVisible();
}

/** Nothing wider than the 1280 px viewport: neither the page nor a table inside its scrolling card. */
async function expectNoHorizontalOverflow(page: Page) {
  const overflowing = await page.evaluate(() => {
    const boxes = [document.documentElement, ...Array.from(document.querySelectorAll("main table")).map((table) => table.parentElement!)];
    return boxes.filter((box) => box.scrollWidth > box.clientWidth + 1).map((box) => `${box.tagName} ${box.scrollWidth} > ${box.clientWidth}`);
  });
  expect(overflowing).toEqual([]);
}

test("an admin changes the provider, chain and routing, reads the cost tables, and a retired model cannot be chosen", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, ADMIN);
  const model = `gpt-e2e-${randomBytes(3).toString("hex")}`;

  // Providers page: price a model of our own, then retire it.
  await page.goto("/providers");
  await expect(main(page).getByTestId("provider-health")).toBeVisible();
  const form = main(page).getByRole("form", { name: "New model price" });
  await form.locator('select[name="provider"]').selectOption("openai");
  await form.locator('input[name="model"]').fill(model);
  await form.locator('input[name="inputPer1M"]').fill("0.05");
  await form.locator('input[name="outputPer1M"]').fill("0.2");
  page.once("dialog", (dialog) => void dialog.accept());
  await form.getByRole("button", { name: "Add price" }).click();
  const row = main(page).locator(`[data-testid="model-price-row"][data-model="openai/${model}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("retired-badge")).toHaveCount(0);

  await row.getByRole("button", { name: `Retire openai · ${model}` }).click();
  const dialog = page.getByTestId("retire-model-dialog");
  await expect(dialog).toContainText("can no longer be chosen");
  await dialog.getByRole("textbox").fill("e2e: replaced");
  await shot(page, "retire-confirm", false);
  await dialog.getByRole("button", { name: "Retire", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row.getByTestId("retired-badge")).toHaveText("Retired");
  await expect(row.getByRole("button", { name: `Unretire openai · ${model}` })).toBeVisible();
  // The demo data has calls in the last 30 days: the health table has rows.
  await expect(main(page).getByTestId("provider-health-row").first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot(page, "providers");

  // The client's Provider tab: the retired model is listed but disabled.
  await openProviderTab(page);
  const settings = main(page).getByTestId("provider-settings");
  const override = settings.getByTestId("override-select");
  await expect(override.locator(`option[value="openai/${model}"]`)).toBeDisabled();
  await expect(override.locator(`option[value="openai/${model}"]`)).toContainText("retired");
  await expect(settings.getByTestId("chain-add-select").locator(`option[value="openai/${model}"]`)).toBeDisabled();

  // Provider, model and fallback chain.
  await override.selectOption("openai/gpt-4o-mini");
  const add = settings.getByTestId("chain-add-select");
  await add.selectOption("anthropic/claude-haiku-4-5");
  await settings.getByRole("button", { name: "Add to chain" }).click();
  await add.selectOption("ollama/llama3.2");
  await settings.getByRole("button", { name: "Add to chain" }).click();
  await settings.getByRole("button", { name: "Save provider settings…" }).click();
  await page.getByTestId("provider-confirm-dialog").getByRole("button", { name: "Save", exact: true }).click();
  await expect(settings.getByTestId("provider-saved")).toBeVisible();
  await expect(main(page).getByTestId("provider-choice")).toHaveText("openai · gpt-4o-mini");
  await expect(main(page).getByTestId("fallback-chain").locator("li")).toHaveText([/anthropic\s*claude-haiku-4-5/, /ollama\s*llama3\.2/]);

  // Routing off, then on again, each confirmed.
  const routingSwitch = main(page).getByTestId("routing-switch");
  await expect(routingSwitch).toHaveAttribute("aria-checked", "true");
  await routingSwitch.click();
  await page.getByTestId("routing-confirm-dialog").getByRole("button", { name: "Turn off" }).click();
  await expect(routingSwitch).toHaveAttribute("aria-checked", "false");
  await expect(main(page).getByTestId("routing-state")).toContainText("off");
  await expect(main(page).getByTestId("routing-active")).toHaveText("routing inactive");
  await routingSwitch.click();
  await page.getByTestId("routing-confirm-dialog").getByRole("button", { name: "Turn on" }).click();
  await expect(routingSwitch).toHaveAttribute("aria-checked", "true");
  await expect(main(page).getByTestId("plan-optimization")).toContainText("Context budget");
  await expect(main(page).getByRole("link", { name: "Edit the plan" })).toHaveAttribute("href", /^\/plans\/[^/]+\/edit$/);

  // Last month on the catalogue's models, and the cost by model per month.
  await expect(main(page).getByTestId("what-if-row").first()).toBeVisible();
  await expect(main(page).getByTestId("what-if")).toContainText("gpt-4o-mini");
  await expect(main(page).getByTestId("model-cost-row").first()).toBeVisible();
  await expect(main(page).getByTestId("model-recommendation")).toBeVisible();
  await expect(main(page).getByTestId("degraded-none").or(main(page).getByTestId("degraded-warning"))).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot(page, "client-tab");

  // Back to the plan's default, no chain; the model unretired.
  await override.selectOption("");
  for (const name of ["Remove anthropic · claude-haiku-4-5", "Remove ollama · llama3.2"]) await settings.getByRole("button", { name }).click();
  await settings.getByRole("button", { name: "Save provider settings…" }).click();
  await page.getByTestId("provider-confirm-dialog").getByRole("button", { name: "Save", exact: true }).click();
  await expect(main(page).getByTestId("provider-choice")).toHaveText("Plan default");

  await page.goto("/providers");
  await row.getByRole("button", { name: `Unretire openai · ${model}` }).click();
  await page.getByTestId("retire-model-dialog").getByRole("button", { name: "Unretire", exact: true }).click();
  await expect(row.getByTestId("retired-badge")).toHaveCount(0);
});
