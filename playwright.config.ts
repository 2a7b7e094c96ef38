import { defineConfig } from "@playwright/test";

// Debian's Chromium: no browser download works on our machines. PLAYWRIGHT_CHROMIUM_PATH
// overrides it (empty: Playwright's own browser, where one is installed).
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium";
// A pinned clock (APP_NOW) is shared by every process of the run (see src/server/clock.ts).
if (process.env.APP_NOW && !process.env.APP_NOW_SINCE) process.env.APP_NOW_SINCE = String(Date.now());
const port = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: executablePath || undefined,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The app exactly as `npm start` runs it, on its own embedded database and port.
  webServer: {
    command: "rm -rf .data/e2e && npx tsx scripts/start.ts",
    url: `http://localhost:${port}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      PGLITE_DATA_DIR: ".data/e2e/pglite",
      NEXTAUTH_URL: `http://localhost:${port}`,
      DATABASE_URL: "",
      // The fake LLM providers that tests/e2e/widget.spec.ts starts (tests/support/llm-servers.ts),
      // on fixed ports and with this key, so the app's chat API answers through them.
      OLLAMA_BASE_URL: "http://127.0.0.1:3311",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:3312",
      ANTHROPIC_API_KEY: "e2e-fake-llm-key",
      OPENAI_BASE_URL: "http://127.0.0.1:3313",
      OPENAI_API_KEY: "e2e-fake-llm-key",
      // The local Stripe stand-in that tests/e2e/billing-stripe.spec.ts starts (tests/support/stripe-server.ts).
      STRIPE_SECRET_KEY: "sk_test_e2e_meterline",
      STRIPE_WEBHOOK_SECRET: "whsec_e2e_meterline",
      STRIPE_API_BASE: "http://127.0.0.1:3314",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
