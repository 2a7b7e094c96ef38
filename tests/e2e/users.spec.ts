import { test, type Browser, type Page } from "@playwright/test";
import { ADMIN, VIEWER, expect, main, screenshots, signIn } from "../support/e2e-dashboard";

// The users page, and the sessions it controls: a second browser context plays the user
// being changed, and its next click shows the change.
test.setTimeout(120_000);

const shot = screenshots("users");
/** The login form's message (Next's route announcer is an alert too). */
const loginError = (page: Page) => page.locator("form").getByRole("alert");

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

const userRow = (page: Page, email: string) => main(page).getByTestId("user-row").filter({ has: page.getByText(email, { exact: true }) });

test("an admin adds a user, changes their role, resets their password and deactivates them; each applies on the user's next click", async ({ page, browser }) => {
  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Users");
  await expect(userRow(page, ADMIN.email).getByTestId("user-role")).toHaveText("admin");

  // Add a viewer: the temporary password is shown once.
  const email = `e2e-user-${Date.now()}@example.com`;
  await main(page).getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill("not an email");
  await dialog.getByLabel("Name").fill("E2E Person");
  await dialog.getByRole("button", { name: "Add user" }).click();
  await expect(dialog.getByTestId("field-error")).toContainText("email");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByRole("button", { name: "Add user" }).click();
  const password = (await dialog.getByTestId("temporary-password").innerText()).trim();
  expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
  await shot(page, "password-once", false);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(userRow(page, email).getByTestId("user-role")).toHaveText("viewer");

  // The new user signs in in their own browser: a viewer, without the Users link.
  const them = await newPage(browser);
  await signIn(them, { email, password });
  await expect(them.getByTestId("session-role")).toHaveText("viewer");
  await expect(them.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);

  // Made an admin: their next page load says so.
  await userRow(page, email).getByRole("button", { name: "Make admin" }).click();
  await expect(page.getByRole("dialog")).toContainText("change plans, clients, invoices");
  await page.getByRole("dialog").getByRole("button", { name: "Make admin" }).click();
  await expect(userRow(page, email).getByTestId("user-role")).toHaveText("admin");
  await them.reload();
  await expect(them.getByTestId("session-role")).toHaveText("admin");
  await expect(them.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toBeVisible();

  // And back to viewer: the Users page refuses them at once.
  await userRow(page, email).getByRole("button", { name: "Make viewer" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make viewer" }).click();
  await expect(userRow(page, email).getByTestId("user-role")).toHaveText("viewer");
  await them.goto("/users");
  await expect(main(them).getByTestId("admin-required")).toBeVisible();

  // A password reset signs them out everywhere; the old password stops working.
  await userRow(page, email).getByRole("button", { name: "Reset password" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reset password" }).click();
  const newPassword = (await page.getByRole("dialog").getByTestId("temporary-password").innerText()).trim();
  expect(newPassword).not.toBe(password);
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  await them.goto("/clients");
  await expect(them).toHaveURL(/\/login/);
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(password);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(loginError(them)).toHaveText("Email or password is incorrect.");
  await signIn(them, { email, password: newPassword });

  // Deactivated: signed out at once, and cannot sign in again. The reason is required.
  await userRow(page, email).getByRole("button", { name: "Deactivate" }).click();
  const deactivate = page.getByRole("dialog");
  await deactivate.getByRole("button", { name: "Deactivate" }).click();
  await expect(deactivate.getByTestId("field-error")).toContainText("say why");
  await deactivate.getByLabel("Reason").fill("E2E: left the company");
  await shot(page, "deactivate-dialog", false);
  await deactivate.getByRole("button", { name: "Deactivate" }).click();
  await expect(userRow(page, email).getByTestId("user-status")).toContainText("deactivated");
  await them.goto("/");
  await expect(them).toHaveURL(/\/login/);
  await them.getByLabel("Email").fill(email);
  await them.getByLabel("Password").fill(newPassword);
  await them.getByRole("button", { name: "Sign in" }).click();
  await expect(loginError(them)).toHaveText("Email or password is incorrect.");

  // The seeded admin is not the last one (the e2e user was an admin for a moment, no more):
  // demoting the only active admin is offered disabled, with the reason.
  await expect(userRow(page, ADMIN.email).getByRole("button", { name: "Make viewer" })).toBeDisabled();
  await expect(userRow(page, ADMIN.email).getByRole("button", { name: "Make viewer" })).toHaveAttribute("title", /last active admin/);
  await shot(page, "list");
  await them.context().close();
});

test("after sign-out the old session cookie no longer works", async ({ page, browser }) => {
  await signIn(page, VIEWER);
  const cookies = await page.context().cookies();
  expect(cookies.some((cookie) => cookie.name.includes("next-auth.session-token"))).toBe(true);
  await page.getByRole("button", { name: /Sign out/ }).click();
  await expect(page).toHaveURL(/\/login/);

  // Someone who copied the cookie before sign-out: the dashboard and the API refuse it.
  const copy = await browser.newContext();
  await copy.addCookies(cookies);
  const stolen = await copy.newPage();
  await stolen.goto("/clients");
  await expect(stolen).toHaveURL(/\/login/);
  const api = await copy.request.get("/api/trpc/clients.list?input=" + encodeURIComponent(JSON.stringify({ json: {} })));
  expect(api.status()).toBe(401);
  await copy.close();
});

test("five wrong passwords block sign-in to the account from here, even with the right one, and the page says when to try again", async ({ page, browser }) => {
  // An account of its own, so that the seeded ones stay usable for other tests.
  await signIn(page, ADMIN);
  await page.goto("/users");
  const email = `e2e-locked-${Date.now()}@example.com`;
  await main(page).getByRole("button", { name: "Add user" }).click();
  await page.getByRole("dialog").getByLabel("Email").fill(email);
  await page.getByRole("dialog").getByLabel("Name").fill("E2E Locked");
  await page.getByRole("dialog").getByRole("button", { name: "Add user" }).click();
  const password = (await page.getByRole("dialog").getByTestId("temporary-password").innerText()).trim();

  const guesser = await newPage(browser);
  await guesser.goto("/login");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await guesser.getByLabel("Email").fill(email);
    await guesser.getByLabel("Password").fill(`wrong-${attempt}`);
    await guesser.getByRole("button", { name: "Sign in" }).click();
    await expect(loginError(guesser)).toHaveText("Email or password is incorrect.");
    await expect(guesser.getByRole("button", { name: "Sign in" })).toBeEnabled();
  }
  await guesser.getByLabel("Password").fill(password);
  await guesser.getByRole("button", { name: "Sign in" }).click();
  await expect(loginError(guesser)).toHaveText(/Too many failed sign-ins\. Try again in 1[45] minutes\./);
  await shot(guesser, "sign-in-blocked");
  await expect(guesser).toHaveURL(/\/login/);
  await guesser.context().close();
});
