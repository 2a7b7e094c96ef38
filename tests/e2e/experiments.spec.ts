import { test, type APIRequestContext, type Page } from "@playwright/test";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TLlmServersModule from "../support/llm-servers";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// An A/B test of models on the Providers page, as an admin runs one: draft it for
// Trailhead Outfitters (which no other spec touches: no override, routing on), start it,
// send conversations through the real chat API (the fake LLM servers answer), read the
// results, pause, pick a winner, and find the winner as the client's provider override.
const { startLlmServers } = requireWithTsx("../support/llm-servers.ts", __filename) as typeof TLlmServersModule;
// Must match the webServer env in playwright.config.ts: the app calls these.
const LLM_PORTS = { ollama: 3311, anthropic: 3312, openai: 3313 };
const LLM_API_KEY = "e2e-fake-llm-key";
const CLIENT = "Trailhead Outfitters";
const EXPERIMENT = "Haiku vs GPT-4o mini";
const CONVERSATIONS = 6;

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);
test.use({ viewport: { width: 1280, height: 900 } });
const shot = screenshots("experiments");

async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

const section = (page: Page) => main(page).getByTestId("experiments-section");
const card = (page: Page) => section(page).getByTestId("experiment-card").filter({ hasText: EXPERIMENT });

test("a viewer sees the section read-only: no experiments yet, no controls", async ({ page }) => {
  await signIn(page, VIEWER);
  await page.goto("/providers");
  await expect(section(page).getByRole("heading", { name: "Experiments" })).toBeVisible();
  await expect(section(page).getByTestId("empty-state")).toContainText("No experiments yet");
  await expect(section(page).getByRole("button")).toHaveCount(0);
});

test("an admin drafts, starts, reads the results, pauses and picks a winner that becomes the client's override", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/providers");
  await expect(section(page).getByTestId("empty-state")).toBeVisible();
  await section(page).scrollIntoViewIfNeeded();
  await shot(page, "empty");

  // The form: a client, a name and two variants from the catalogue.
  await section(page).getByRole("button", { name: "New experiment" }).click();
  const form = page.getByTestId("experiment-form-dialog");
  await form.getByLabel("Client").selectOption({ label: CLIENT });
  await form.getByLabel("Name").fill(EXPERIMENT);
  await form.getByLabel("Variant 1 key", { exact: true }).fill("haiku");
  await form.getByLabel("Variant 1 model", { exact: true }).selectOption("anthropic/claude-haiku-4-5");
  await form.getByLabel("Variant 1 model routing").check();
  await form.getByLabel("Variant 2 key", { exact: true }).fill("mini");
  await form.getByLabel("Variant 2 model", { exact: true }).selectOption("openai/gpt-4o-mini");
  await form.getByLabel("Variant 2 weight", { exact: true }).fill("50");
  await expect(form.getByTestId("variant-share")).toHaveText(["50% of conversations", "50% of conversations"]);
  // A bad weight is named before anything is sent.
  await form.getByLabel("Variant 1 weight", { exact: true }).fill("0");
  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(form.getByTestId("action-error")).toContainText("Variant 1 weight: a whole number from 1 to 1000");
  await form.getByLabel("Variant 1 weight", { exact: true }).fill("50");
  await shot(page, "form", false);
  await form.getByRole("button", { name: "Save draft" }).click();
  await expect(form).toHaveCount(0);

  const experiment = card(page);
  await expect(experiment.getByTestId("experiment-status")).toHaveText("draft");
  await expect(experiment.getByTestId("variant-row")).toHaveCount(2);
  await expect(experiment.locator('[data-variant="haiku"]')).toContainText("anthropic · claude-haiku-4-5");
  await expect(experiment.locator('[data-variant="mini"]')).toContainText("openai · gpt-4o-mini");
  // No traffic yet: dashes, not errors.
  await expect(experiment.locator('[data-variant="mini"] [data-testid="variant-cost"]')).toHaveText("—");

  await experiment.getByRole("button", { name: "Start" }).click();
  await expect(experiment.getByTestId("experiment-status")).toHaveText("running");
  await expect(experiment).toContainText("started");

  // Conversations through the real chat API, each a new conversation assigned a variant.
  const href = await experiment.getByRole("link", { name: CLIENT }).getAttribute("href");
  const clientId = /\/clients\/([^/?]+)/.exec(href!)![1]!;
  const key = await trpcMutation<{ key: string }>(page.request, "clients.issueApiKey", { clientId, kind: "secret", name: "Experiments e2e traffic" });
  const servers = await startLlmServers({ apiKey: LLM_API_KEY, ports: LLM_PORTS });
  const replies: string[] = [];
  try {
    for (let i = 0; i < CONVERSATIONS; i++) {
      const response = await page.request.post("/api/chat", {
        headers: { authorization: `Bearer ${key.key}` },
        data: { message: `Do you rent out tents, question ${i + 1}?` },
        timeout: 30_000,
      });
      expect(response.status(), await response.text()).toBe(200);
      replies.push(((await response.json()) as { messageId: string }).messageId);
    }
  } finally {
    await servers.close();
  }
  // Two visitors rate their replies: one up, one down.
  for (const [messageId, rating] of [[replies[0], "up"], [replies[1], "down"]] as const) {
    const vote = await page.request.post("/api/chat/feedback", { headers: { authorization: `Bearer ${key.key}` }, data: { messageId, rating } });
    expect(vote.status(), await vote.text()).toBe(201);
  }

  await page.reload();
  const counts = async (testId: string) =>
    (await experiment.getByTestId(testId).allInnerTexts()).map((text) => Number(text.replace(/,/g, ""))).reduce((a, b) => a + b, 0);
  // The section renders after the page (its own loading state): wait for its rows before reading them.
  await expect(experiment.getByTestId("variant-messages")).toHaveCount(2);
  await expect.poll(() => counts("variant-messages")).toBe(CONVERSATIONS);
  expect(await counts("variant-conversations")).toBe(CONVERSATIONS);
  expect([await counts("feedback-up"), await counts("feedback-down")]).toEqual([1, 1]);
  // Every column is on screen: the results table does not scroll sideways at 1280 pixels.
  const sideways = await experiment.getByTestId("experiment-results").evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
  expect(sideways).toBeLessThanOrEqual(1);
  // Every variant that answered shows a cost per conversation and latencies.
  for (const row of await experiment.getByTestId("variant-row").all()) {
    const messages = Number(await row.getByTestId("variant-messages").innerText());
    if (messages > 0) {
      await expect(row.getByTestId("variant-cost")).toContainText("$");
      await expect(row.getByTestId("variant-latency")).toContainText("ms");
      await expect(row.getByTestId("variant-errors")).toContainText("0%");
    }
  }
  await experiment.scrollIntoViewIfNeeded();
  await shot(page, "running-results");

  await experiment.getByRole("button", { name: "Pause" }).click();
  await expect(experiment.getByTestId("experiment-status")).toHaveText("paused");
  await expect(experiment.getByRole("button", { name: "Resume" })).toBeVisible();

  // Stop asks first; cancelling changes nothing.
  await experiment.getByRole("button", { name: "Stop…" }).click();
  const stop = page.getByTestId("experiment-stop-dialog");
  await expect(stop).toContainText("never runs again");
  await stop.getByRole("button", { name: "Cancel" }).click();
  await expect(stop).toHaveCount(0);
  await expect(experiment.getByTestId("experiment-status")).toHaveText("paused");

  await experiment.getByRole("button", { name: "Pick mini as the winner" }).click();
  const winner = page.getByTestId("experiment-winner-dialog");
  await expect(winner).toContainText(`${CLIENT}'s provider override`);
  await expect(winner.getByTestId("confirm-summary")).toContainText("openai · gpt-4o-mini");
  await expect(winner.getByTestId("confirm-summary")).toContainText("paused → stopped");
  await shot(page, "pick-winner", false);
  await winner.getByRole("button", { name: "Pick winner" }).click();
  await expect(winner).toHaveCount(0);
  await expect(experiment.getByTestId("experiment-status")).toHaveText("stopped");
  await expect(experiment.getByTestId("experiment-winner")).toHaveText("winner: mini");
  await expect(experiment.getByTestId("experiment-actions")).toHaveCount(0);
  await expect(experiment.getByRole("button", { name: /as the winner/ })).toHaveCount(0);
  await shot(page, "stopped");

  // The client's Provider tab: the winner is the override, and its routing (off) the switch.
  await experiment.getByRole("link", { name: CLIENT }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(CLIENT);
  await expect(main(page).getByTestId("provider-choice")).toHaveText("openai · gpt-4o-mini");
  await expect(main(page).getByTestId("routing-switch")).toHaveAttribute("aria-checked", "false");
  await shot(page, "client-provider-tab");
});
