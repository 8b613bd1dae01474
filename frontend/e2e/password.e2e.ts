import { expect, login, password, register, test, uniqueEmail } from "./fixtures";

test("register, the nav shows the name, reload keeps the session, sign out", async ({ page }) => {
  const email = uniqueEmail("ada");
  await register(page, email, "Ada Lovelace");
  await expect(page.getByTestId("nav-user")).toContainText("Ada Lovelace");
  // No avatar: initials.
  await expect(page.getByTestId("nav-user").locator(".avatar-initials")).toHaveText("AL");
  await page.reload();
  await expect(page.getByTestId("nav-user")).toContainText("Ada Lovelace");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId("nav-user")).toHaveCount(0);
  // Signing out is not a session that ended: no "You were signed out" notice for it.
  await expect(page.getByTestId("sign-in-notice")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("nav-user")).toHaveCount(0);
  // The password works again.
  await login(page, email);
  await expect(page.getByTestId("nav-user")).toContainText("Ada Lovelace");
});

test("a right-to-left name is isolated wherever it is shown", async ({ page }) => {
  await register(page, uniqueEmail("rtl"), "محمد علي");
  await expect(page.getByTestId("nav-user").locator(".nav-name bdi")).toHaveText("محمد علي");
  await page.goto("/account");
  await expect(page.locator("dl.facts dd bdi")).toHaveText("محمد علي");
});

test("a wrong password shows the server's message; too many show the wait", async ({ page }) => {
  const email = uniqueEmail("wrong");
  await register(page, email, "Wrong Password");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await login(page, email, "not-the-password");
  await expect(page.getByTestId("form-error")).toHaveText("Email or password is incorrect.");
  // The backend of this run allows 3 failures per email.
  await login(page, email, "not-the-password");
  await login(page, email, "not-the-password");
  await login(page, email, "not-the-password");
  await expect(page.getByTestId("form-error")).toHaveText(
    /Too many attempts\. Try again in \d+ (minute|second)s?\./,
  );
});

test("client-side validation and the busy state", async ({ page }) => {
  await page.goto("/login");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByText("Enter your password.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");
  // The button is disabled while the request is in flight.
  await page.route("**/api/auth/login", async (route) => {
    await new Promise((r) => setTimeout(r, 800));
    await route.continue();
  });
  await login(page, "nobody@example.com", "whatever-password");
  await expect(page.getByRole("button", { name: "Signing in…" })).toBeDisabled();
  await expect(page.getByTestId("form-error")).toBeVisible();
});

test("the register page ticks the rules while typing and shows a mismatch", async ({ page }) => {
  await page.goto("/register");
  const rule = (id: string) => page.locator(`[data-rule="${id}"]`);
  await page.getByLabel("Email").fill("tick@example.com");
  await page.getByLabel("Password", { exact: true }).pressSequentially("tick");
  await expect(rule("min_length")).toHaveAttribute("data-state", "unmet");
  await expect(rule("not_email")).toHaveAttribute("data-state", "unmet");
  await page.getByLabel("Password", { exact: true }).pressSequentially("-tock-1");
  await expect(rule("min_length")).toHaveAttribute("data-state", "met");
  await expect(rule("not_email")).toHaveAttribute("data-state", "met");
  await expect(rule("max_bytes")).toHaveAttribute("data-state", "met");
  // 18 four-byte characters: 72 bytes is the limit; one more is over it.
  await page.getByLabel("Password", { exact: true }).fill("🔑".repeat(18));
  await expect(rule("max_bytes")).toHaveAttribute("data-state", "met");
  await expect(rule("max_bytes")).toContainText("No more than 72 characters");
  await expect(rule("max_bytes")).not.toContainText("bytes");
  await page.getByLabel("Password", { exact: true }).fill("🔑".repeat(19));
  await expect(rule("max_bytes")).toHaveAttribute("data-state", "unmet");
  // Over the limit with only 19 typed: the rule says why.
  await expect(rule("max_bytes")).toContainText("emoji count as 2 to 4 each");
  await expect(rule("max_bytes")).toContainText("this one counts as 76");
  await expect(rule("min_length")).toHaveAttribute("data-state", "met");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(`${password}x`);
  await expect(page.getByText("The passwords do not match.")).toBeVisible();
});

test("server-side errors appear next to their field", async ({ page }) => {
  const email = uniqueEmail("taken");
  await register(page, email, "Taken");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill("Again");
  await page.getByLabel("Password", { exact: true }).fill("password123");
  await page.getByLabel("Confirm password").fill("password123");
  const common = page.locator('#password-rules [data-rule="not_common"]');
  await expect(common).toHaveAttribute("data-state", "server");
  const grey = await common.evaluate((el) => getComputedStyle(el).color);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#password-error")).toContainText("too common");
  // The rule the server refused turns red.
  await expect(common).toHaveAttribute("data-state", "refused");
  await expect(common).toHaveCSS("color", "rgb(180, 35, 24)");
  expect(grey).not.toBe("rgb(180, 35, 24)");
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toContainText("already exists");
  await page.locator("#email-error").getByRole("link", { name: "Sign in instead" }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test("a protected page redirects to login and returns to the same path and query", async ({
  page,
}) => {
  const email = uniqueEmail("back");
  await register(page, email, "Comes Back");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/account?tab=sessions&x=1");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount%3Ftab%3Dsessions%26x%3D1$/);
  await expect(page.getByTestId("sign-in-notice")).toHaveText("Sign in to see your account.");
  await login(page, email);
  await expect(page).toHaveURL(/\/account\?tab=sessions&x=1$/);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
});

test("callbackUrl leaving the site is ignored", async ({ page }) => {
  const email = uniqueEmail("open");
  await register(page, email, "Open Redirect");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/login?callbackUrl=%2F%5Cevil.example");
  await login(page, email);
  await expect(page).toHaveURL(/:\d+\/$/);
});

test("a callbackUrl whose dot segments resolve to //host stays on the site", async ({
  page,
  baseURL,
}) => {
  const email = uniqueEmail("dots");
  await register(page, email, "Dot Segments");
  const offSite: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== new URL(baseURL!).origin) offSite.push(request.url());
  });
  for (const callbackUrl of [
    "/.//evil.example/x",
    "/%2e%2e//evil.example",
    "/a/..//evil.example",
    "/%2E/..//x",
  ]) {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto(`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await login(page, email);
    await expect(page.getByTestId("nav-user")).toContainText("Dot Segments");
    await expect(page).toHaveURL(`${baseURL}/`);
  }
  expect(offSite).toEqual([]);
});

test("OAuth failure codes read as sentences", async ({ page }) => {
  await page.goto("/login?error=access_denied");
  await expect(page.getByTestId("form-error")).toHaveText(/cancelled at the provider/);
  await page.goto("/login?error=email_not_verified");
  await expect(page.getByTestId("form-error")).toHaveText(
    /cannot take the provider.s word for that email address/,
  );
});

test("the sign-in page: no Sign in button in the nav; signed in, it moves on", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toHaveCount(0);
  await register(page, uniqueEmail("moves"), "Moves On");
  // Signed in, /login goes where the sign-in would have led: the callbackUrl, or /.
  await page.goto("/login?callbackUrl=%2Faccount%3Ftab%3Dx");
  await expect(page).toHaveURL(/\/account\?tab=x$/);
  await page.goto("/login?callbackUrl=%2F%5Cevil.example");
  await expect(page).toHaveURL(/:\d+\/$/);
  await page.goto("/login");
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByTestId("nav-user")).toContainText("Moves On");
});
