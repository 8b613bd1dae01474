import { expect, login, otherBrowser, register, test, uniqueEmail } from "./fixtures";

test("the account page lists two sessions; revoking the other signs that browser out", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("two");
  await register(page, email, "Two Devices");

  const other = await otherBrowser(browser, baseURL!);
  await other.page.goto("/login");
  await login(other.page, email);
  await expect(other.page.getByTestId("nav-user")).toBeVisible();

  await page.goto("/account");
  const sessions = page.getByTestId("sessions").locator("li");
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: "this device" })).toHaveCount(1);
  await expect(sessions.first()).toContainText("127.0.0.1");
  await sessions
    .filter({ hasNotText: "this device" })
    .getByRole("button", { name: /Revoke/ })
    .click();
  await expect(sessions).toHaveCount(1);

  // The other browser still has its (now revoked) cookie: the server refuses the page.
  await other.page.goto("/account");
  await expect(other.page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await expect(other.page.getByTestId("nav-user")).toHaveCount(0);
  await expect(other.page.getByTestId("sign-in-notice")).toHaveText(
    "You were signed out. Sign in again to continue.",
  );
  await other.context.close();
});

test("sign out everywhere", async ({ page, browser, baseURL }) => {
  const email = uniqueEmail("all");
  await register(page, email, "Every Where");
  const other = await otherBrowser(browser, baseURL!);
  await other.page.goto("/login");
  await login(other.page, email);
  await expect(other.page.getByTestId("nav-user")).toBeVisible();
  await page.goto("/account");
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await other.page.goto("/account");
  await expect(other.page).toHaveURL(/\/login\?callbackUrl=/);
  await other.context.close();
});

test("a stale session cookie never shows a protected page", async ({ page, baseURL }) => {
  await page
    .context()
    .addCookies([{ name: "access_token", value: "stale.token.value", url: baseURL! }]);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await expect(page.getByTestId("sign-in-notice")).toHaveText(
    "You were signed out. Sign in again to continue.",
  );
});
