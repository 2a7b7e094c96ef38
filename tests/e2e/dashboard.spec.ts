import { expect, test, type Page } from "@playwright/test";

// Looked up inside <main>: a page loaded from its URL streams, and React holds the finished
// content in a hidden <div> outside <main> as well (same rule as billing.spec.ts).
const main = (page: Page) => page.getByRole("main");
const ADMIN = { email: "admin@meterline.local", password: "meterline-admin" };
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("a signed-out visitor is sent to the login page, and tRPC refuses them", async ({ page, request }) => {
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/login/);
  const response = await request.get("/api/trpc/clients.list?input=%7B%22json%22%3A%7B%7D%7D");
  expect(response.status()).toBe(401);
});

test("a wrong password shows a clear error", async ({ page }) => {
  await signIn(page, ADMIN.email, "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect." })).toBeVisible();
  await shot(page, "login-error");
});

test("an admin signs in, finds a client and reads its tabs, then signs out", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await shot(page, "overview");

  await page.getByRole("link", { name: "Clients" }).click();
  await expect(page).toHaveURL(/\/clients/);
  const rows = main(page).getByTestId("client-row");
  await expect(rows.first()).toBeVisible();
  const pageOneCount = await rows.count();
  expect(pageOneCount).toBeGreaterThan(5);
  await shot(page, "clients-list");

  // Filter by plan: every remaining row shows that plan.
  await page.getByLabel("Plan").selectOption({ label: "Enterprise" });
  await expect(page).toHaveURL(/plan=enterprise/);
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText("Enterprise");

  // Search narrows to one client by name.
  await page.goto("/clients");
  const firstName = (await rows.first().getByRole("link").first().innerText()).trim();
  await page.getByLabel("Search clients").fill(firstName);
  await page.getByLabel("Search clients").press("Enter");
  await expect(page).toHaveURL(/search=/);
  await expect(rows).toHaveCount(1);

  // A search with no match shows the empty state.
  await page.goto("/clients?search=zz-no-such-client-zz");
  await expect(main(page).getByText(/No clients match/i)).toBeVisible();
  await shot(page, "clients-empty");

  // Client detail and its tabs.
  await page.goto("/clients");
  await rows.first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(firstName);
  await shot(page, "client-overview");
  for (const tab of ["Usage", "Invoices", "Plan", "Provider"]) {
    await page.getByRole("navigation", { name: "Client sections" }).getByRole("link", { name: tab, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`tab=${tab.toLowerCase()}`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(firstName);
    await shot(page, `client-${tab.toLowerCase()}`);
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/clients");
  await expect(page).toHaveURL(/\/login/);
});

test("an unknown client id shows a not-found page", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await page.goto("/clients/00000000-0000-4000-8000-000000000000");
  await expect(page.getByRole("heading", { name: "Client not found" })).toBeVisible();
  await page.goto("/clients/not-a-uuid");
  await expect(page.getByRole("heading", { name: "Client not found" })).toBeVisible();
});

test("an admin edits a client's billing details; a bad email is refused in the dialog", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await page.goto("/clients?search=lumen");
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  await page.getByRole("button", { name: "Edit billing details" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Billing email").fill("not an email");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText("must be an email address");
  await dialog.getByLabel("Billing email").fill("accounts@lumen-yoga.example");
  await dialog.getByLabel("Postal address").fill("Studio 4, 18 Alder Street\nPortland, OR 97209\nUnited States");
  await dialog.getByLabel("Tax ID").fill("EIN 93-1234567");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(main(page).getByTestId("client-billing-address")).toHaveText("Studio 4, 18 Alder Street\nPortland, OR 97209\nUnited States");
  await expect(main(page).getByText("EIN 93-1234567")).toBeVisible();
  await expect(main(page).getByText("accounts@lumen-yoga.example")).toBeVisible();
  await shot(page, "client-billing-details");
});

test("an admin issues an API key that is shown once; a viewer sees no key controls", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await page.goto("/clients?search=harbor");
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  const keyRows = main(page).getByTestId("api-key-row");
  const before = await keyRows.count();

  await page.getByRole("button", { name: "New API key" }).click();
  await page.getByRole("dialog").getByLabel("Name").fill("Staging widget");
  await page.getByRole("button", { name: "Create key" }).click();
  const issued = main(page).getByTestId("issued-key");
  await expect(issued).toHaveText(/^pk_[A-Za-z0-9_-]{32,}$/);
  const key = (await issued.innerText()).trim();
  await shot(page, "api-key-issued");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(keyRows).toHaveCount(before + 1);
  // Only the prefix is ever shown again.
  await expect(main(page).getByText(key)).toHaveCount(0);
  await expect(main(page).getByText(`${key.slice(0, 10)}…`)).toBeVisible();

  page.once("dialog", (dialog) => void dialog.accept());
  await keyRows.filter({ hasText: "Staging widget" }).getByRole("button", { name: "Revoke" }).click();
  await expect(keyRows.filter({ hasText: "Staging widget" }).getByText(/Revoked/)).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, "viewer@meterline.local", "meterline-viewer");
  await expect(page.getByTestId("session-role")).toHaveText("viewer");
  await page.goto("/clients?search=harbor");
  await main(page).getByTestId("client-row").first().getByRole("link").first().click();
  await expect(keyRows.first()).toBeVisible();
  await expect(page.getByRole("button", { name: "New API key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await shot(page, "client-overview-viewer");
});

test("an admin prices a new model on the Providers page", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("session-role")).toHaveText("admin");
  await page.getByRole("link", { name: "Providers" }).click();
  const form = page.getByRole("form", { name: "New model price" });
  await form.getByLabel("Provider").selectOption("openai");
  await form.getByLabel("Model").fill("gpt-e2e-mini");
  await form.getByLabel("Input", { exact: true }).fill("0.4");
  await form.getByLabel("Output", { exact: true }).fill("1.6");
  page.once("dialog", (dialog) => void dialog.accept());
  await form.getByRole("button", { name: "Add price" }).click();
  await expect(form.getByText("openai gpt-e2e-mini is priced from now on.")).toBeVisible();
  await expect(main(page).getByTestId("model-price-row").filter({ hasText: "gpt-e2e-mini" })).toBeVisible();
  await shot(page, "providers-price-added");
});

test("the usage page shows the provider calls an app crash left unmetered, per client", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Usage" }).click();
  const card = page.getByRole("main").getByTestId("unmetered-calls");
  // The seed's demo: two calls of one client that an instance crashed on this month.
  await expect(card.getByTestId("unmetered-count")).toHaveText("2");
  await expect(card.getByTestId("unmetered-cost")).toContainText("$0.0311");
  await expect(card.getByTestId("unmetered-row")).toHaveCount(1);
  await shot(page, "usage-unmetered");
});
