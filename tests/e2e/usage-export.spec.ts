import { readFile } from "node:fs/promises";
import { test, type Page } from "@playwright/test";
import { parse } from "csv-parse/sync";
import Decimal from "decimal.js";
import { VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// The usage CSV exports as a viewer downloads them from the dashboard, checked against what
// the same pages show.
test.setTimeout(120_000);
const shot = screenshots("usage-export");

async function download(page: Page, link: ReturnType<Page["getByRole"]>): Promise<{ filename: string; rows: Record<string, string>[] }> {
  const [file] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const text = await readFile((await file.path())!, "utf8");
  return { filename: file.suggestedFilename(), rows: parse(text, { columns: true }) as Record<string, string>[] };
}

const digits = (text: string) => text.replace(/[^0-9]/g, "");

test("a viewer downloads every client's usage of a period; it matches the Usage page", async ({ page }) => {
  await signIn(page, VIEWER);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  await expect(main(page).getByTestId("usage-clients-total")).toBeVisible();
  const href = await main(page).getByTestId("usage-export").getAttribute("href");
  const period = new URL(href!, "http://localhost").searchParams.get("period")!;
  const { filename, rows } = await download(page, main(page).getByTestId("usage-export"));
  expect(filename).toBe(`usage-all-clients-${period}.csv`);
  expect(rows.length).toBeGreaterThan(0);
  expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(["period", "client_id", "client_name", "plan_key", "metric", "value", "limit"]));
  expect(new Set(rows.map((row) => row.period))).toEqual(new Set([period]));
  expect(String(new Set(rows.map((row) => row.client_id)).size)).toBe(digits(await main(page).getByTestId("usage-clients-total").innerText()));
  const messages = rows.filter((row) => row.metric === "messages").reduce((sum, row) => sum.plus(row.value!), new Decimal(0));
  expect(messages.toFixed(0)).toBe(digits(await main(page).getByTestId("usage-messages-total").innerText()));
  await shot(page, "usage-page");
});

test("a client's Usage tab exports its 12 months by month and by call; the months match the table", async ({ page }) => {
  await signIn(page, VIEWER);
  await page.goto("/clients");
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  // The list page has an h1 too: wait for the client's own URL before adding the tab to it.
  await page.waitForURL(/\/clients\/[^/?]+/);
  await page.goto(`${page.url().split("?")[0]}?tab=usage`);
  const tab = main(page).getByTestId("client-usage");
  await expect(tab.getByTestId("month-row").first()).toBeVisible();

  const monthly = await download(page, tab.getByRole("link", { name: "Monthly totals" }));
  expect(monthly.filename).toMatch(/^usage-[a-z0-9-]+-\d{4}-\d{2}-\d{4}-\d{2}-month\.csv$/);
  for (const row of await tab.getByTestId("month-row").all()) {
    const period = (await row.getAttribute("data-period"))!;
    const shown = digits(await row.getByTestId("month-messages").innerText());
    const exported = monthly.rows.filter((r) => r.period === period && r.metric === "messages").reduce((sum, r) => sum.plus(r.value!), new Decimal(0));
    expect(exported.toFixed(0), period).toBe(shown);
  }

  const calls = await download(page, tab.getByRole("link", { name: "Every call" }));
  expect(calls.filename).toMatch(/-event\.csv$/);
  const messagesInMonths = monthly.rows.filter((r) => r.metric === "messages").reduce((sum, r) => sum.plus(r.value!), new Decimal(0));
  // One event per provider call: at least one per message counted (a failed call counts none).
  expect(calls.rows.length).toBeGreaterThanOrEqual(messagesInMonths.toNumber());
  await shot(page, "client-usage-tab");
});

test("the exports refuse a signed-out caller with 401 and a malformed period with 400", async ({ page, request }) => {
  const signedOut = await request.get("/api/usage/export", { maxRedirects: 0 });
  expect(signedOut.status()).toBe(401);
  expect(await signedOut.json()).toMatchObject({ error: "Sign in to export usage.", code: "UNAUTHORIZED" });
  await signIn(page, VIEWER);
  const bad = await page.request.get("/api/usage/export?period=2026-13");
  expect(bad.status()).toBe(400);
  expect(JSON.stringify(await bad.json())).not.toMatch(/prisma|invocation|stack/i);
});
