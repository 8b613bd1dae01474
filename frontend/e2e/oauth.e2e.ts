import {
  discordConsent,
  expect,
  googleConsent,
  login,
  password,
  register,
  tag,
  test,
  uniqueEmail,
} from "./fixtures";

test("login shows a button per configured provider and a link to register", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("link", { name: "Continue with Google" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Continue with Discord" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Create one" })).toHaveAttribute("href", "/register");
});

test("Google sign-in through the local OpenID provider returns to the callbackUrl", async ({
  page,
}) => {
  const user = `gina${tag()}`;
  await page.goto("/account?from=google");
  await expect(page).toHaveURL(/\/login\?callbackUrl=/);
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account\?from=google$/);
  await expect(page.getByTestId("account-email")).toContainText(`${user}@example.com`);
  await expect(page.getByTestId("account-email")).toContainText("verified");
  await expect(page.getByTestId("nav-user")).toContainText("Google");
});

test("a Google sign-in linked from another site waits on the login page for the person", async ({
  page,
  baseURL,
}) => {
  const user = `xena${tag()}`;
  const site = new URL(baseURL ?? "http://127.0.0.1:6666");
  // Another site: the same server under another host name is another site to the browser.
  const other = new URL(site);
  other.hostname = site.hostname === "localhost" ? "127.0.0.1" : "localhost";
  await page.goto(`${other.origin}/register`);
  const target = `${site.origin}/api/auth/google?redirect_to=${encodeURIComponent("/account?via=link")}`;
  await page.evaluate((href) => {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = "sign in elsewhere";
    document.body.append(link);
  }, target);
  await page.getByRole("link", { name: "sign in elsewhere" }).click();
  await expect(page).toHaveURL(/\/login\?provider=google&redirect_to=%2Faccount%3Fvia%3Dlink$/);
  expect(new URL(page.url()).origin).toBe(site.origin);
  await expect(page.getByTestId("suggested-provider")).toContainText("sign in with Google");
  await page.getByTestId("suggested-provider").getByRole("link").click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account\?via=link$/);
  await expect(page.getByTestId("account-email")).toContainText(`${user}@example.com`);
});

test("Discord sign-in through the local stand-in", async ({ page }) => {
  const user = `dora${tag()}`;
  await page.goto("/login");
  await page.getByRole("link", { name: "Continue with Discord" }).click();
  await discordConsent(page, user);
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByTestId("nav-user")).toContainText(
    `${user.charAt(0).toUpperCase()}${user.slice(1)} Discord`,
  );
  await page.goto("/account");
  await expect(page.getByTestId("linked-providers")).toContainText("Discord");
});

test("linking a provider from the account page", async ({ page }) => {
  await register(page, uniqueEmail("linker"), "Link Er");
  await page.goto("/account");
  await expect(page.getByTestId("linked-providers").getByRole("listitem")).toHaveText([
    /^Password/,
  ]);
  await page.getByRole("button", { name: "Link Google", exact: true }).click();
  await googleConsent(page, `linked${tag()}`);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("linked-providers")).toContainText("Google");
  await expect(page.getByRole("button", { name: "Link Google", exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Link Discord", exact: true })).toBeVisible();
});

test("link failures come back as sentences on the account page", async ({ page }) => {
  await register(page, uniqueEmail("linkerr"), "Link Error");
  await page.goto("/account?error=already_linked");
  await expect(page.getByTestId("link-error")).toHaveText(/already linked to another user/);
  await page.goto("/account?error=session_expired");
  await expect(page.getByTestId("link-error")).toHaveText(/session ended/);
});

test("setting a password on an account made by Google", async ({ page }) => {
  const user = `setpw${tag()}`;
  await page.goto("/login?callbackUrl=%2Faccount");
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Set a password" })).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveCount(0);
  // Typed only once the page's script runs: text typed into the server's HTML before that is
  // wiped by the first render after hydration.
  await expect(page.locator("form[data-usable]:has(#new_password)")).toBeAttached();
  await page.getByLabel("New password", { exact: true }).fill(password);
  await expect(page.locator('#new-password-rules [data-rule="min_length"]')).toHaveAttribute(
    "data-state",
    "met",
  );
  await page.getByLabel("Confirm new password").fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByTestId("password-message")).toHaveText("Password set.");
  await expect(page.getByTestId("linked-providers")).toContainText("Password");
  await expect(page.getByRole("heading", { name: "Change password" })).toBeVisible();
  // The new password signs in.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await login(page, `${user}@example.com`);
  await expect(page.getByTestId("nav-user")).toBeVisible();
});
