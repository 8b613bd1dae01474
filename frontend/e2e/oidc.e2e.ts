// A generic OpenID Connect provider from the backend's configuration (OIDC_PROVIDERS=corp,
// named "Corp SSO", trusting addresses in corp.example.com only), as scripts/e2e.sh starts it:
// the same stand-in as Google's, on another port.
import type { Page } from "@playwright/test";
import {
  expect,
  googleConsent,
  login,
  noSeriousViolations,
  register,
  tag,
  test,
  uniqueEmail,
} from "./fixtures";

const methods = (page: Page) => page.getByTestId("linked-providers").getByRole("listitem");

test("a configured OpenID Connect provider gets its button and signs a person in", async ({
  page,
}) => {
  const user = `cora${tag()}`;
  await page.goto("/login");
  const button = page.getByRole("link", { name: "Continue with Corp SSO" });
  await expect(button).toBeVisible();
  await noSeriousViolations(page);
  await button.click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByTestId("nav-user")).toContainText(
    `${user.charAt(0).toUpperCase()}${user.slice(1)} Corp`,
  );
  await page.goto("/account");
  // An address in the provider's trusted domain, which it says it verified: verified here too.
  await expect(page.getByTestId("account-email")).toContainText(`${user}@corp.example.com`);
  await expect(page.getByTestId("account-email").locator(".badge")).toHaveText("verified");
  await expect(methods(page)).toHaveText([/^Corp SSO/]);
  await expect(page.getByTestId("session-method")).toHaveText(["Signed in with Corp SSO"]);
  await noSeriousViolations(page);
});

test("an address outside the provider's domains does not open the account that has it", async ({
  page,
}) => {
  // A password account, then the same address brought by Corp SSO, which vouches only for
  // corp.example.com.
  const email = uniqueEmail("outside");
  await register(page, email, "Out Side");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("link", { name: "Continue with Corp SSO" }).click();
  await googleConsent(page, email);
  await expect(page).toHaveURL(/\/login\?error=email_not_verified$/);
  await expect(page.getByTestId("form-error")).toHaveText(
    /cannot take the provider.s word for that email address/,
  );
  await expect(page.getByTestId("nav-user")).toHaveCount(0);
  // The account is as it was: its password signs in, and Corp SSO is no way into it.
  await login(page, email);
  await expect(page.getByTestId("nav-user")).toContainText("Out Side");
  await page.goto("/account");
  await expect(methods(page)).toHaveText([/^Password/]);
});

test("a link made under the provider's former issuer says what to do, on /login and /account", async ({
  page,
}) => {
  const said =
    /settings for that provider have changed.*Use another way to sign in, or ask the site's administrator\./;
  await page.goto("/login?error=issuer_changed");
  await expect(page.getByTestId("form-error")).toHaveText(said);
  await register(page, uniqueEmail("issuer"), "Is Suer");
  await page.goto("/account?error=issuer_changed");
  await expect(page.getByTestId("link-error")).toHaveText(said);
});
