import { test, type APIRequestContext, type Page } from "@playwright/test";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TLlmServersModule from "../support/llm-servers";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// The usage reports and a client's Usage tab at 1280 pixels, as an admin reads them. The
// usage this needs is made here: a plan whose message limit sits 10 above what Copper
// Kettle Coffee (which no other spec touches) has used this period, whatever the date and
// the seed, then 9 chat messages through the real chat API: 90% or more, under 100%.
const { startLlmServers } = requireWithTsx("../support/llm-servers.ts", __filename) as typeof TLlmServersModule;
// Must match the webServer env in playwright.config.ts: the app calls these.
const LLM_PORTS = { ollama: 3311, anthropic: 3312, openai: 3313 };
const LLM_API_KEY = "e2e-fake-llm-key";
const CLIENT = { search: "copper-kettle", name: "Copper Kettle Coffee" };
const PLAN = { key: "usage-e2e", name: "Usage E2E" };

test.describe.configure({ mode: "serial" });
test.setTimeout(180_000);
test.use({ viewport: { width: 1280, height: 900 } });
const shot = screenshots("usage-reports");

async function trpcQuery<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

async function clientId(page: Page): Promise<string> {
  await page.goto(`/clients?search=${CLIENT.search}`);
  const href = await main(page).getByTestId("client-row").first().getByRole("link").first().getAttribute("href");
  return /\/clients\/([^/?]+)/.exec(href!)![1]!;
}

/** No horizontal scrolling inside <main>: every column, the cost included, is on screen. */
async function expectNoHorizontalOverflow(page: Page) {
  const overflow = await page.evaluate(() => {
    // A name cut with an ellipsis on purpose (`truncate`) is not overflow.
    const wide = [...document.querySelectorAll("main, main *")].filter((el) => {
      const style = getComputedStyle(el);
      return el.scrollWidth > el.clientWidth + 1 && style.overflowX !== "visible" && style.textOverflow !== "ellipsis";
    });
    return wide.map((el) => `${el.tagName}.${el.className}`.slice(0, 120));
  });
  expect(overflow).toEqual([]);
}

test("an admin puts a client near its message limit; the Usage tab shows the amber bar, the forecast and the upgrade link", async ({ page }) => {
  await signIn(page, ADMIN);
  const id = await clientId(page);
  type TClientPeriod = { metrics: Array<{ metric: string; used: string }> };
  const before = await trpcQuery<TClientPeriod>(page.request, "usage.clientPeriod", { clientId: id });
  const used = before.metrics.find((m) => m.metric === "messages")!.used;
  const limit = Number(used) + 10;
  await trpcMutation(page.request, "plans.create", {
    copyFrom: "free",
    plan: { key: PLAN.key, name: PLAN.name, sortOrder: 0, limits: { messagesPerMonth: limit, tokensPerMonth: null, conversationsPerMonth: null } },
  });
  await trpcMutation(page.request, "plans.changePlan", { clientId: id, toPlanKey: PLAN.key, reason: "Usage reports e2e", confirmWarnings: true });
  const key = await trpcMutation<{ key: string }>(page.request, "clients.issueApiKey", { clientId: id, kind: "secret", name: "Usage e2e traffic" });

  const servers = await startLlmServers({ apiKey: LLM_API_KEY, ports: LLM_PORTS });
  try {
    for (let i = 0; i < 9; i++) {
      const response = await page.request.post("/api/chat", {
        headers: { authorization: `Bearer ${key.key}` },
        data: { message: `Do you roast decaf, question ${i + 1}?` },
        timeout: 30_000,
      });
      expect(response.status(), await response.text()).toBe(200);
    }
  } finally {
    await servers.close();
  }

  await page.goto(`/clients/${id}?tab=usage`);
  const tab = main(page).getByTestId("client-usage");
  const bar = tab.locator('[data-testid="limit-bar"][data-metric="messages"]');
  await expect(bar).toHaveAttribute("data-level", "warning");
  const percent = Number(await bar.getAttribute("data-percent"));
  expect(percent).toBeGreaterThanOrEqual(90);
  expect(percent).toBeLessThan(100);
  await expect(bar).toContainText(`of ${limit.toLocaleString("en-US")}`);
  await expect(bar.getByTestId("limit-forecast")).toHaveText(/At this rate/);
  // Tremor draws the bar amber (its fill and its lighter track), nothing red.
  await expect(bar.locator(".bg-amber-500").first()).toBeVisible();
  await expect(bar.locator(".bg-red-500")).toHaveCount(0);
  await expect(tab.getByTestId("upgrade-button")).toHaveAttribute("href", `/clients/${id}?tab=plan`);
  await expect(tab.getByTestId("usage-chart-messages").locator("svg").first()).toBeVisible();
  await expect(tab.locator('[data-testid="metric-row"][data-metric="messages"] [data-testid="metric-used"]')).toHaveText(
    (Number(used) + 9).toLocaleString("en-US"),
  );
  await expect(tab.getByTestId("tool-breakdown")).toBeVisible();
  // The export links and the 12-month table the export spec reads are still there.
  await expect(tab.getByTestId("client-usage-export")).toBeVisible();
  await expect(tab.getByTestId("month-row")).toHaveCount(12);
  await expectNoHorizontalOverflow(page);
  await shot(page, "client-usage-tab");

  await tab.getByTestId("upgrade-button").click();
  await expect(main(page).getByTestId("client-plan-tab")).toBeVisible();
});

test("the reports filter by plan and sort by percent of limit; the near-limit list and the overview show the client", async ({ page }) => {
  await signIn(page, VIEWER);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Usage reports");
  const rows = main(page).getByTestId("usage-row");
  await expect(rows.first()).toBeVisible();
  // Sorted by percent of limit by default: never increasing down the page.
  const percents = (await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-percent") ?? ""))).filter(Boolean).map(Number);
  expect(percents.length).toBeGreaterThan(0);
  expect(percents).toEqual([...percents].sort((a, b) => b - a));
  // The cost column is inside the 1280-pixel window (it was cut off before).
  const cost = await main(page).getByTestId("usage-row-cost").first().boundingBox();
  expect(cost!.x + cost!.width).toBeLessThanOrEqual(1280 - 24);
  await expectNoHorizontalOverflow(page);
  await expect(main(page).getByTestId("usage-trend").getByTestId("usage-chart-messages").locator("svg").first()).toBeVisible();
  await expect(main(page).getByTestId("cost-by-model").getByTestId("model-row").first()).toBeVisible();
  await shot(page, "reports");

  // Every near-limit row is at or past its plan's first alert threshold, our client among them.
  const near = main(page).getByTestId("near-limit-row");
  await expect(near.filter({ hasText: CLIENT.name })).toHaveCount(1);
  for (const level of await near.evaluateAll((els) => els.map((el) => el.getAttribute("data-level")))) expect(["warning", "over"]).toContain(level);

  await page.getByLabel("Plan").selectOption({ label: PLAN.name });
  await expect(page).toHaveURL(new RegExp(`plan=${PLAN.key}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(CLIENT.name);
  await expect(rows.first().getByTestId("usage-row-limit")).toHaveAttribute("data-level", "warning");
  await shot(page, "reports-plan-filter");

  await page.getByLabel("Plan").selectOption({ label: "All plans" });
  await expect(page).not.toHaveURL(/plan=/);
  await main(page).getByRole("link", { name: "Client", exact: true }).click();
  await expect(page).toHaveURL(/sort=name/);
  const names = await rows.evaluateAll((els) => els.map((el) => el.querySelector("a")?.textContent?.trim() ?? ""));
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  await main(page).getByRole("link", { name: "6 months" }).click();
  await expect(page).toHaveURL(/months=6/);
  await expect(main(page).getByTestId("usage-trend")).toContainText("last 6 months");

  await page.goto("/");
  await expect(main(page).getByTestId("overview-near-limit")).toBeVisible();
  await shot(page, "overview");
});
