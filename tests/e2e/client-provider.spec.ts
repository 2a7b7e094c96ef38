import { test, type Page } from "@playwright/test";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// A client's Provider tab on the demo data. Summit Property Management is on the starter
// plan with no override and no fallback chain (no other spec changes it).
test.setTimeout(120_000);

const shot = screenshots("client-provider");
const CLIENT = "Summit Property Management";

async function openProviderTab(page: Page) {
  await page.goto(`/clients?search=${encodeURIComponent(CLIENT)}`);
  await main(page).getByRole("link", { name: CLIENT }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CLIENT);
  await page.getByRole("navigation", { name: "Client sections" }).getByRole("link", { name: "Provider", exact: true }).click();
  await expect(page).toHaveURL(/tab=provider/);
  await expect(main(page).getByTestId("client-provider")).toBeVisible();
}

test("an admin picks a model from the price catalogue and an ordered fallback chain, confirms, and sees it saved", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, ADMIN);
  await openProviderTab(page);
  await expect(main(page).getByTestId("provider-choice")).toHaveText("Plan default");
  const form = main(page).getByTestId("provider-settings");
  await expect(form.getByRole("button", { name: "Save provider settings…" })).toBeDisabled();
  await shot(page, "before");

  // Each model is offered with its price in effect.
  const override = form.getByTestId("override-select");
  await expect(override.locator('option[value="openai/gpt-4o-mini"]')).toContainText("$0.15 in");
  await override.selectOption("openai/gpt-4o");

  const add = form.getByTestId("chain-add-select");
  await add.selectOption("anthropic/claude-haiku-4-5");
  await form.getByRole("button", { name: "Add to chain" }).click();
  await add.selectOption("ollama/llama3.2");
  await form.getByRole("button", { name: "Add to chain" }).click();
  await add.selectOption("openai/gpt-4o-mini");
  await form.getByRole("button", { name: "Add to chain" }).click();
  // The override is not offered again for the chain.
  await expect(add.locator('option[value="openai/gpt-4o"]')).toHaveCount(0);
  await form.getByRole("button", { name: "Move ollama · llama3.2 up" }).click();
  await form.getByRole("button", { name: "Remove openai · gpt-4o-mini" }).click();
  await expect(form.getByTestId("chain-step")).toHaveText([/ollama\s+llama3\.2\s*free/, /anthropic\s+claude-haiku-4-5/]);
  await shot(page, "edited");

  await form.getByRole("button", { name: "Save provider settings…" }).click();
  const dialog = page.getByTestId("provider-confirm-dialog");
  await expect(dialog.getByTestId("confirm-summary")).toContainText("Plan default");
  await expect(dialog.getByTestId("confirm-summary")).toContainText("openai · gpt-4o");
  await shot(page, "confirm", false);
  await dialog.getByRole("button", { name: "Save", exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(form.getByTestId("provider-saved")).toBeVisible();

  await expect(main(page).getByTestId("provider-choice")).toHaveText("openai · gpt-4o");
  await expect(main(page).getByTestId("fallback-chain").locator("li")).toHaveText([/ollama\s*llama3\.2/, /anthropic\s*claude-haiku-4-5/]);
  await shot(page, "saved");

  // Still there after a reload: it was saved, not just shown.
  await page.reload();
  await expect(main(page).getByTestId("provider-choice")).toHaveText("openai · gpt-4o");
  await expect(main(page).getByTestId("override-select")).toHaveValue("openai/gpt-4o");

  // Back to the plan's default, no chain.
  await main(page).getByTestId("override-select").selectOption("");
  for (const name of ["Remove ollama · llama3.2", "Remove anthropic · claude-haiku-4-5"]) await main(page).getByRole("button", { name }).click();
  await main(page).getByRole("button", { name: "Save provider settings…" }).click();
  await page.getByTestId("provider-confirm-dialog").getByRole("button", { name: "Save", exact: true }).click();
  await expect(main(page).getByTestId("provider-choice")).toHaveText("Plan default");
  await expect(main(page).getByTestId("fallback-chain")).toHaveCount(0);
});

test("a viewer sees the provider and chain read-only, with no controls", async ({ page }) => {
  await signIn(page, VIEWER);
  await openProviderTab(page);
  const tab = main(page).getByTestId("client-provider");
  await expect(tab.getByTestId("provider-choice")).toBeVisible();
  await expect(main(page).getByTestId("provider-settings")).toHaveCount(0);
  await expect(tab.getByRole("button")).toHaveCount(0);
  await expect(tab.locator("select, input")).toHaveCount(0);
  await shot(page, "viewer");
});
