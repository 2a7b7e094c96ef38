// The embeddable chat widget (public/widget.js) on the public demo page (/demo), as a
// visitor of a tenant's site uses it: Pixel Pantry's seeded publishable key
// (DEMO_WIDGET_KEY), the real chat API, and fake LLM providers speaking the real wire
// protocols. The free plan answers through Ollama, so the Ollama stand-in does the work.
import { expect, test, type Page } from "@playwright/test";
import { require as requireWithTsx } from "tsx/cjs/api";
import type * as TLlmServersModule from "../support/llm-servers";
import type { TLlmServers } from "../support/llm-servers";

// Loaded through tsx: Playwright compiles TypeScript to CommonJS and cannot run the
// module's `import.meta.url` (its standalone entry check), failing with "exports is not
// defined in ES module scope".
const { startLlmServers } = requireWithTsx("../support/llm-servers.ts", __filename) as typeof TLlmServersModule;

// Must match the webServer env in playwright.config.ts: the app calls these.
const LLM_PORTS = { ollama: 3311, anthropic: 3312, openai: 3313 };
const LLM_API_KEY = "e2e-fake-llm-key";
// DEMO_WIDGET_KEY of src/server/seed/demo-catalogue.ts (a copy).
const DEMO_WIDGET_KEY = "pk_demo_meterline_widget_0000000000000000";

const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/widget-${name}.png` });

/** The widget's host element; its open shadow root is pierced by Playwright's locators. */
const widget = (page: Page) => page.locator("#meterline-widget");

let servers: TLlmServers;

test.beforeAll(async ({ playwright }, testInfo) => {
  // A pause between streamed words, so a reply visibly grows and the input waits for it.
  servers = await startLlmServers({ apiKey: LLM_API_KEY, ports: LLM_PORTS, behaviour: { delayMs: 120 } });
  // The app opens its embedded database on the first API request (seconds on a busy
  // machine): do that here, with a keyless request (401), not in the first test's 5 s.
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  const warmUp = await api.post("/api/chat", { data: { message: "warm-up" }, timeout: 60_000 });
  expect(warmUp.status()).toBe(401);
  await api.dispose();
});

test.afterAll(async () => {
  await servers?.close();
});

test.beforeEach(() => {
  servers.ollama.reset();
});

/** Records every text the newest reply bubble shows, to see it grow delta by delta. */
async function recordReplyTexts(page: Page) {
  await page.evaluate(() => {
    const root = document.getElementById("meterline-widget")!.shadowRoot!;
    const seen: string[] = [];
    (window as unknown as { replyTexts: string[] }).replyTexts = seen;
    new MutationObserver(() => {
      const replies = root.querySelectorAll('[data-testid="meterline-reply"]');
      const text = replies[replies.length - 1]?.lastChild?.textContent ?? "";
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(root, { subtree: true, childList: true, characterData: true });
  });
}

test("a visitor opens the widget, sees the reply stream in, and the conversation continues", async ({ page }) => {
  await page.goto("/demo");
  await expect(page.getByRole("heading", { name: "How can we help?" })).toBeVisible();
  await expect(page.locator("pre code")).toContainText(`data-key="${DEMO_WIDGET_KEY}"`);
  await shot(page, "closed");

  // Keyboard only: the launcher is a real button, the input takes focus when the box opens.
  await page.getByRole("button", { name: "Open chat" }).focus();
  await page.keyboard.press("Enter");
  const input = page.getByRole("textbox", { name: "Message" });
  const send = page.getByRole("button", { name: "Send" });
  await expect(input).toBeFocused();
  await expect(page.getByRole("dialog", { name: "Pixel Pantry support" })).toBeVisible();
  await shot(page, "open");

  await recordReplyTexts(page);
  const firstRequest = page.waitForRequest("**/api/chat");
  await page.keyboard.type("Where is my order number 1234?");
  await page.keyboard.press("Enter");
  const sent = await firstRequest;
  expect(sent.headers()["authorization"]).toBe(`Bearer ${DEMO_WIDGET_KEY}`);
  expect(sent.postDataJSON()).toEqual({ message: "Where is my order number 1234?", stream: true });

  // While the reply streams, nothing else can be sent.
  await expect(input).toBeDisabled();
  await expect(send).toBeDisabled();
  const replies = page.getByTestId("meterline-reply");
  await expect(replies).toHaveCount(1);
  await expect(replies.first()).toContainText("Echo: Where");
  await shot(page, "streaming");
  await expect(replies.first()).toHaveText("Assistant: Echo: Where is my order number 1234?");
  await expect(input).toBeEnabled();
  await expect(input).toBeFocused();
  const texts = await page.evaluate(() => (window as unknown as { replyTexts: string[] }).replyTexts);
  // Grew word by word ("Echo: ", "Echo: Where ", ...): several partial texts, each a prefix of the next.
  expect(texts.length).toBeGreaterThan(3);
  expect(texts.at(-1)).toBe("Echo: Where is my order number 1234?");
  for (let i = 1; i < texts.length; i++) expect(texts[i]!.startsWith(texts[i - 1]!)).toBe(true);
  expect(servers.ollama.lastRequest?.body).toMatchObject({ messages: [{ role: "user", content: "Where is my order number 1234?" }] });
  await shot(page, "first-reply");

  // The second message carries the conversation id, and the provider gets the history.
  const secondRequest = page.waitForRequest("**/api/chat");
  await input.fill("Can I still change the address?");
  await send.click();
  expect((await secondRequest).postDataJSON().conversationId).toMatch(/^[0-9a-f-]{36}$/);
  await expect(replies).toHaveCount(2);
  await expect(replies.nth(1)).toHaveText("Assistant: Echo: Can I still change the address?");
  await expect(input).toBeEnabled();
  const history = (servers.ollama.lastRequest?.body as { messages: { role: string; content: string }[] }).messages;
  expect(history.map(({ role, content }) => ({ role, content }))).toEqual([
    { role: "user", content: "Where is my order number 1234?" },
    { role: "assistant", content: "Echo: Where is my order number 1234?" },
    { role: "user", content: "Can I still change the address?" },
  ]);
  await shot(page, "conversation");

  // Escape closes the box and gives focus back to the launcher.
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect(page.getByRole("button", { name: "Open chat" })).toBeFocused();
});

test("a visitor rates a reply once: thumbs up goes to /api/chat/feedback with the reply's id, and the widget thanks them", async ({ page }) => {
  await page.goto("/demo");
  await page.getByRole("button", { name: "Open chat" }).click();
  const input = page.getByRole("textbox", { name: "Message" });
  const answered = page.waitForResponse("**/api/chat");
  await input.fill("Do you deliver on Sundays?");
  await input.press("Enter");
  await answered;
  await expect(page.getByTestId("meterline-reply")).toHaveText("Assistant: Echo: Do you deliver on Sundays?");
  const feedback = widget(page).getByRole("group", { name: "Was this reply helpful?" });
  await expect(feedback).toBeVisible();
  await shot(page, "feedback-asked");

  const voted = page.waitForResponse("**/api/chat/feedback");
  await feedback.getByRole("button", { name: "Helpful", exact: true }).click();
  const response = await voted;
  expect(response.status()).toBe(201);
  const sent = response.request().postDataJSON() as { messageId: string; rating: string };
  expect(sent).toEqual({ messageId: expect.stringMatching(/^[0-9a-f-]{36}$/), rating: "up" });
  await expect(widget(page).getByTestId("meterline-feedback")).toHaveText("Thanks for your feedback.");
  await expect(widget(page).getByRole("button", { name: "Helpful", exact: true })).toHaveCount(0);
  await shot(page, "feedback-thanks");

  // The same reply rated again (another tab, a replayed click) is refused: one vote per reply.
  const again = await page.request.post("/api/chat/feedback", {
    headers: { authorization: `Bearer ${DEMO_WIDGET_KEY}`, origin: new URL(page.url()).origin },
    data: { messageId: sent.messageId, rating: "down" },
  });
  expect(again.status()).toBe(409);
});

test("when every provider fails, the widget says the assistant is unavailable and lets the visitor retry", async ({ page }) => {
  servers.ollama.set({ fail: 500 });
  await page.goto("/demo");
  await page.getByRole("button", { name: "Open chat" }).click();
  const input = page.getByRole("textbox", { name: "Message" });
  await input.fill("Hello?");
  await input.press("Enter");
  await expect(widget(page).getByRole("alert")).toHaveText("The assistant is unavailable right now, try again shortly.");
  await expect(page.getByTestId("meterline-reply")).toHaveCount(0);
  await expect(input).toBeEnabled();
  await shot(page, "unavailable");

  servers.ollama.reset();
  await input.fill("Hello again");
  await input.press("Enter");
  await expect(page.getByTestId("meterline-reply")).toHaveText("Assistant: Echo: Hello again");
});

test("on a site the client did not allow, the publishable key is refused and the widget says so", async ({ page, baseURL }) => {
  // Same app, another origin: http://127.0.0.1:<port> is not among the demo client's allowed origins.
  const otherOrigin = new URL(baseURL!);
  otherOrigin.hostname = "127.0.0.1";
  await page.goto(new URL("/demo", otherOrigin).toString());
  await page.getByRole("button", { name: "Open chat" }).click();
  const input = page.getByRole("textbox", { name: "Message" });
  await input.fill("Hello");
  await input.press("Enter");
  await expect(widget(page).getByRole("alert")).toHaveText("This chat is not available on this site.");
  expect(servers.ollama.stats.requests).toBe(0);
  await shot(page, "not-allowed");
});

test("widget rendering of the 429 contract (stubbed response; the real limit is covered by integration tests): shows the plan's message and upgrade link", async ({
  page,
}) => {
  const message = "You have reached the Free plan's monthly limit. Upgrade to Starter for 10x the volume.";
  await page.route("**/api/chat", (route) =>
    route.fulfill({
      status: 429,
      headers: { "content-type": "application/json; charset=utf-8", "retry-after": "3600" },
      body: JSON.stringify({
        error: "Plan limit exceeded",
        metric: "messagesPerMonth",
        limit: 500,
        current: 500,
        message,
        upgradeUrl: "https://meterline.local/pricing",
      }),
    }),
  );
  await page.goto("/demo");
  await page.getByRole("button", { name: "Open chat" }).click();
  const input = page.getByRole("textbox", { name: "Message" });
  await input.fill("One more question");
  await input.press("Enter");
  const alert = widget(page).getByRole("alert");
  await expect(alert).toContainText(message);
  await expect(alert.getByRole("link", { name: "See upgrade options" })).toHaveAttribute("href", "https://meterline.local/pricing");
  await expect(page.getByTestId("meterline-reply")).toHaveCount(0);
  await expect(input).toBeEnabled();
  expect(servers.ollama.stats.requests).toBe(0);
  await shot(page, "limit");
});
