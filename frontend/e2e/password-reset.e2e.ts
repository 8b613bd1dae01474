// Password reset by mail, end to end: the backend sends the mail through the run's mail catcher
// (scripts/e2e.sh), and the test opens the link from the mail as a person would.
import type { Page } from "@playwright/test";
import {
  ageMailLinks,
  expect,
  login,
  otherBrowser,
  password,
  register,
  test,
  uniqueEmail,
} from "./fixtures";
import { mailCount, resetLinks, subjects, waitForMail } from "./mail";

const sent =
  "If an account uses this address, we've sent a link to reset its password. It works for 30 minutes.";
const usedLink =
  "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole. Ask for a new link.";
const newPassword = "amber-lantern-77";

async function setNewPassword(page: Page, value: string) {
  await page.getByLabel("New password", { exact: true }).fill(value);
  await page.getByLabel("Confirm new password").fill(value);
  await page.getByRole("button", { name: "Set new password" }).click();
}

test("a reset by mail: the link is spent only by the form, signs in, and signs every other device out", async ({
  page,
  browser,
  baseURL,
}) => {
  // Two browsers, a mail and two sign-ins: more than one page's worth of steps.
  test.setTimeout(60_000);
  const email = uniqueEmail("reset");
  await register(page, email, "Reset Me");
  await page.goto("/account");
  await expect(page.getByTestId("sessions")).toBeVisible();

  // Another browser, where the password is forgotten.
  const other = await otherBrowser(browser, baseURL!);
  const forgot = other.page;
  await forgot.goto("/login");
  await forgot.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(forgot).toHaveURL(/\/forgot-password$/);
  // Registering sent this address a verification mail, which may arrive at any time: only the
  // reset mails count.
  const resetMail = { to: email, subject: subjects.reset };
  const before = await mailCount(resetMail);
  await forgot.getByLabel("Email").fill(email);
  await forgot.getByRole("button", { name: "Send reset link" }).click();
  await expect(forgot.getByTestId("reset-link-sent")).toHaveText(sent);
  await expect(forgot.getByRole("heading", { name: "Check your mail" })).toBeFocused();

  // The mail: a plain-text and an HTML part, each with the same link.
  const mail = await waitForMail(resetMail, before);
  expect(mail.parsed.from?.value[0]?.address).toBe("no-reply@example.com");
  expect(mail.text, "the text/plain part").not.toBe("");
  expect(mail.html, "the text/html part").not.toBe("");
  const links = resetLinks(mail.text);
  expect(links).toHaveLength(1);
  const link = links[0]!;
  expect(link).toMatch(new RegExp(`^${baseURL}/reset-password#token=[A-Za-z0-9_-]{43}$`));
  expect(resetLinks(mail.html)).toContain(link);
  expect(mail.html).toContain(`href="${link}"`);

  // Opening the link sends nothing with the token: only the form's POST does.
  const resets: string[] = [];
  forgot.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/password/reset")
      resets.push(request.method());
  });
  await forgot.goto(link);
  await expect(forgot.getByLabel("New password", { exact: true })).toBeVisible();
  // The token left the address bar (and the history entry) at once.
  await expect.poll(() => forgot.url()).toBe(`${baseURL}/reset-password`);
  // A reload still has it (the tab kept it).
  await forgot.reload();
  await expect(forgot.getByLabel("New password", { exact: true })).toBeVisible();
  await expect(forgot.getByTestId("link-incomplete")).toHaveCount(0);
  expect(resets).toEqual([]);

  // A password the server refuses: the error beside the field, the form stays, the link works.
  await setNewPassword(forgot, "password123");
  await expect(forgot.locator("#new_password-error")).toContainText("too common");
  await expect(forgot.locator('#new-password-rules [data-rule="not_common"]')).toHaveAttribute(
    "data-state",
    "refused",
  );
  expect(resets).toEqual(["POST"]);

  // The busy state, then signed in on the account page.
  await forgot.route("**/api/auth/password/reset", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await setNewPassword(forgot, newPassword);
  await expect(forgot.getByRole("button", { name: "Setting password…" })).toBeDisabled();
  await expect(forgot).toHaveURL(/\/account\?notice=password-reset$/);
  await expect(forgot.getByTestId("account-notice")).toHaveText(
    "Your password was reset and you are signed in. Every other device was signed out.",
  );
  await expect(forgot.getByTestId("nav-user")).toContainText("Reset Me");
  const sessions = forgot.getByTestId("sessions").locator("li");
  await expect(sessions).toHaveCount(1);
  await expect(sessions.getByTestId("session-method")).toHaveText(
    "Signed in by resetting the password",
  );
  expect(resets).toEqual(["POST", "POST"]);
  // Spent: nothing in this tab keeps the token.
  expect(await forgot.evaluate(() => Object.keys(sessionStorage))).toEqual([]);

  // The first browser was signed out.
  await page.reload();
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Faccount$/);
  await expect(page.getByTestId("sign-in-notice")).toHaveText(
    "You were signed out. Sign in again to continue.",
  );
  // The old password no longer signs in; the new one does.
  await login(page, email, password);
  await expect(page.getByTestId("form-error")).toHaveText("Email or password is incorrect.");
  await login(page, email, newPassword);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("nav-user")).toContainText("Reset Me");

  // The same link again: used.
  await forgot.unroute("**/api/auth/password/reset");
  await forgot.goto(link);
  await setNewPassword(forgot, "another-lantern-88");
  await expect(forgot.getByTestId("link-refused")).toHaveText(usedLink);
  await expect(forgot.getByTestId("link-refused")).toBeFocused();
  await forgot.getByRole("link", { name: "Ask for a new link" }).click();
  await expect(forgot).toHaveURL(/\/forgot-password$/);
  // It changed nothing: the new password still signs in.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await login(page, email, newPassword);
  await expect(page.getByTestId("nav-user")).toContainText("Reset Me");
  await other.context.close();
});

test("a link without its token is incomplete; one the backend never made says so", async ({
  page,
  baseURL,
}) => {
  await page.goto("/reset-password");
  await expect(page.getByTestId("link-incomplete")).toHaveText(
    "This link is incomplete. Open the whole link from the mail again, or ask for a new one.",
  );
  // Cut short after "token=": incomplete too, and the fragment goes.
  await page.goto("/reset-password#token=");
  await expect(page.getByTestId("link-incomplete")).toBeVisible();
  await expect.poll(() => page.url()).toBe(`${baseURL}/reset-password`);
  await page.getByRole("link", { name: "ask for a new one" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);

  // A token the backend never made.
  await page.goto(`/reset-password#token=${"A".repeat(43)}`);
  await setNewPassword(page, newPassword);
  await expect(page.getByTestId("link-refused")).toHaveText(usedLink);

  await expect(page.getByRole("link", { name: "Ask for a new link" })).toHaveAttribute(
    "href",
    "/forgot-password",
  );
});

test("a link opened after its 30 minutes says it expired, and changes nothing", async ({
  page,
}) => {
  const email = uniqueEmail("late");
  await register(page, email, "Too Late");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  const resetMail = { to: email, subject: subjects.reset };
  const before = await mailCount(resetMail);
  await page.goto("/forgot-password");
  await expect(page.locator("form[data-usable]")).toBeAttached();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByTestId("reset-link-sent")).toBeVisible();
  const [link] = resetLinks((await waitForMail(resetMail, before)).text);
  // As if it had been asked for 31 minutes ago.
  ageMailLinks(email, 31 * 60);
  await page.goto(link!);
  await setNewPassword(page, newPassword);
  await expect(page.getByTestId("link-refused")).toHaveText(
    "This link has expired: a password reset link works for 30 minutes. Ask for a new link.",
  );
  await page.goto("/login");
  await login(page, email, password);
  await expect(page.getByTestId("nav-user")).toContainText("Too Late");
});

test("asking for a link: validation, the busy state, the same answer for any address, sending again, the wait", async ({
  page,
}) => {
  await page.goto("/forgot-password");
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  // An address with no account: the same answer as for one with an account.
  const nobody = uniqueEmail("nobody");
  await page.route("**/api/auth/password/forgot", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await page.getByLabel("Email").fill(nobody);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByRole("button", { name: "Sending…" })).toBeDisabled();
  await expect(page.getByTestId("reset-link-sent")).toHaveText(sent);
  await expect(page.getByText(nobody)).toBeVisible();

  await page.getByRole("button", { name: "Send the link again" }).click();
  await expect(page.getByRole("button", { name: "Sending…" })).toBeDisabled();
  await expect(page.getByTestId("send-again-result")).toHaveText(
    "Asked again. If an account uses this address, a new link is on its way, and the earlier one no longer works.",
  );

  // Too many requests from this address: the wait, from Retry-After.
  await page.unroute("**/api/auth/password/forgot");
  await page.route("**/api/auth/password/forgot", (route) =>
    route.fulfill({
      status: 429,
      contentType: "application/problem+json",
      headers: { "Retry-After": "120" },
      body: JSON.stringify({
        type: "about:blank",
        title: "Too Many Requests",
        status: 429,
        code: "rate_limited",
        detail: "Too many requests; try again in 120 seconds",
      }),
    }),
  );
  await page.getByRole("button", { name: "Send the link again" }).click();
  await expect(page.getByTestId("send-again-result")).toHaveText(
    "Too many attempts. Try again in 2 minutes.",
  );
  await page.getByRole("button", { name: "Use another address" }).click();
  await page.getByLabel("Email").fill(uniqueEmail("other"));
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByTestId("form-error")).toHaveText(
    "Too many attempts. Try again in 2 minutes.",
  );
  await expect(page.getByRole("button", { name: "Send reset link" })).toBeEnabled();
});
