// What the dashboard's Playwright specs share: the seeded users, patient expectations,
// the page's <main>, signing in and screenshots.
import { expect as baseExpect, type Page } from "@playwright/test";

export const ADMIN = { email: "admin@meterline.local", password: "meterline-admin" };
export const VIEWER = { email: "viewer@meterline.local", password: "meterline-viewer" };

// Other specs' servers and builds share these 2 cores: give each step time.
export const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * A page loaded from its URL streams: for a moment React holds the finished content in a
 * hidden <div> outside <main> as well. Test ids are looked up inside <main> only.
 */
export const main = (page: Page) => page.getByRole("main");

export async function signIn(page: Page, { email, password }: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // bcrypt on a busy 2-core machine: the first sign-in can take several seconds.
  await expect(page.getByTestId("session-user")).toBeVisible({ timeout: 30_000 });
}

/** A screenshot under test-results/screenshots/<prefix>-<name>.png; full page unless a dialog is open (a fixed overlay covers the viewport only). */
export function screenshots(prefix: string) {
  return (page: Page, name: string, fullPage = true) => page.screenshot({ path: `test-results/screenshots/${prefix}-${name}.png`, fullPage });
}
