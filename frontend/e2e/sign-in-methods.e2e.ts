// Unlinking a provider, removing the password, the last way in, and the "Confirm it's you"
// dialog for a change made with a sign-in older than the backend's window.
import type { Page } from "@playwright/test";
import {
  ageProof,
  discordConsent,
  expect,
  googleConsent,
  password,
  register,
  tag,
  test,
  uniqueEmail,
} from "./fixtures";

/** Well past REAUTH_WINDOW_SECS (600 by default). */
const anHour = 3600;

async function linkGoogle(page: Page) {
  await page.goto("/account");
  await page.getByRole("button", { name: "Link Google", exact: true }).click();
  await googleConsent(page, `g${tag()}`);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("linked-providers").getByRole("listitem")).toHaveCount(2);
}

const methods = (page: Page) => page.getByTestId("linked-providers").getByRole("listitem");
const confirmDialog = (page: Page) => page.getByRole("dialog", { name: "Confirm it's you" });

test("a recent sign-in unlinks Google; the password left is the last way in", async ({ page }) => {
  await register(page, uniqueEmail("unlink"), "Un Link");
  await linkGoogle(page);
  await expect(page.getByTestId("session-method")).toHaveText(["Signed in with password"]);
  await expect(page.getByRole("button", { name: "Remove password" })).toBeEnabled();

  await page.getByRole("button", { name: "Unlink Google" }).click();
  await expect(page.getByTestId("methods-message")).toHaveText(
    "Google was unlinked. Other devices that signed in with it were signed out.",
  );
  await expect(confirmDialog(page)).toHaveCount(0);
  await expect(methods(page)).toHaveText([/^Password/]);
  await expect(page.getByRole("button", { name: "Link Google", exact: true })).toBeVisible();

  const remove = page.getByRole("button", { name: "Remove password" });
  await expect(remove).toBeDisabled();
  const reason =
    "Your password is your only way to sign in, so it cannot be removed. Link a provider or add a passkey first.";
  await expect(page.getByTestId("last-way-in")).toHaveText(reason);
  await expect(remove).toHaveAccessibleDescription(reason);
});

test("an old sign-in: Unlink asks to confirm it's you, and the password lets it finish in place", async ({
  page,
}) => {
  const email = uniqueEmail("stale");
  await register(page, email, "Stale Proof");
  await linkGoogle(page);
  ageProof(email, anHour);

  const unlink = page.getByRole("button", { name: "Unlink Google" });
  await unlink.click();
  const dialog = confirmDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("To unlink Google, confirm it's you.");
  await expect(dialog.getByLabel("Password")).toBeFocused();
  await expect(dialog.getByRole("button", { name: "Confirm with Google" })).toBeVisible();
  // Escape closes it, changes nothing, and gives focus back to the button.
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(unlink).toBeFocused();
  await expect(methods(page)).toHaveCount(2);

  await unlink.click();
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Password").fill("not-the-password-1");
  await dialog.getByRole("button", { name: "Confirm with password" }).click();
  await expect(dialog.getByTestId("confirm-error")).toHaveText(
    "That password is incorrect. Try again.",
  );
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Confirm with password" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId("methods-message")).toHaveText(/^Google was unlinked\./);
  await expect(methods(page)).toHaveText([/^Password/]);
  await expect(page).toHaveURL(/\/account$/);
});

test("a link started with an old sign-in comes back to the dialog, and goes on after it", async ({
  page,
}) => {
  const email = uniqueEmail("relink");
  await register(page, email, "Late Link");
  ageProof(email, anHour);
  await page.goto("/account");
  await page.getByRole("button", { name: "Link Google", exact: true }).click();
  await expect(page).toHaveURL(/\/account\?error=reauthentication_required&provider=google$/);
  await expect(page.getByTestId("link-error")).toHaveText(
    "To link a provider, first confirm it's you.",
  );
  const dialog = confirmDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("To link Google, confirm it's you.");
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Confirm with password" }).click();
  await googleConsent(page, `late${tag()}`);
  await expect(page).toHaveURL(/\/account$/);
  await expect(methods(page)).toHaveText([/^Password/, /^Google/]);
});

test("a provider confirms it's you, and the page asks for the unlink again", async ({ page }) => {
  const user = `prov${tag()}`;
  await page.goto("/login?callbackUrl=%2Faccount");
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("session-method")).toHaveText(["Signed in with Google"]);
  const discordUser = `d${user}`;
  await page.getByRole("button", { name: "Link Discord", exact: true }).click();
  await discordConsent(page, discordUser);
  await expect(page).toHaveURL(/\/account$/);
  await expect(methods(page)).toHaveText([/^Google/, /^Discord/]);
  ageProof(`${user}@example.com`, anHour);

  await page.getByRole("button", { name: "Unlink Discord" }).click();
  const dialog = confirmDialog(page);
  await expect(dialog).toBeVisible();
  // No password on this account: only its providers are offered.
  await expect(dialog.getByLabel("Password")).toHaveCount(0);
  await expect(dialog.getByRole("button", { name: /^Confirm with/ })).toHaveText([
    "Confirm with Google",
    "Confirm with Discord",
  ]);
  await dialog.getByRole("button", { name: "Confirm with Discord" }).click();
  await discordConsent(page, discordUser);
  await expect(page).toHaveURL(/\/account\?reauthenticated=unlink\.discord$/);
  await expect(page.getByTestId("after-proof")).toHaveText(
    "You confirmed it's you. Press Unlink beside Discord again to finish.",
  );
  await page.getByRole("button", { name: "Unlink Discord" }).click();
  await expect(page.getByTestId("methods-message")).toHaveText(/^Discord was unlinked\./);
  await expect(methods(page)).toHaveText([/^Google/]);
  const unlinkGoogle = page.getByRole("button", { name: "Unlink Google" });
  await expect(unlinkGoogle).toBeDisabled();
  await expect(unlinkGoogle).toHaveAccessibleDescription(
    "Google is your only way to sign in, so it cannot be unlinked. Set a password, link another provider or add a passkey first.",
  );
});

test("an unlinked Google account no longer signs in to the account it left", async ({ page }) => {
  const user = `left${tag()}`;
  await page.goto("/login?callbackUrl=%2Faccount");
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("button", { name: "Link Discord", exact: true }).click();
  await discordConsent(page, `d${user}`);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("button", { name: "Unlink Google" }).click();
  await expect(methods(page)).toHaveText([/^Discord/]);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);

  // The stand-in keeps its own sign-in in a cookie; without it, it asks again, as for a new visit.
  await page.context().clearCookies();
  // Its verified email still matches the account's: only a link flow may join them again.
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/login\?error=identity_unlinked$/);
  await expect(page.getByTestId("form-error")).toHaveText(/no longer signs you in/);
  await expect(page.getByTestId("nav-user")).toHaveCount(0);
});

test("a first password with an old sign-in: Google confirms it's you, then the page asks for it again", async ({
  page,
}) => {
  const user = `first${tag()}`;
  await page.goto("/login?callbackUrl=%2Faccount");
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, user);
  await expect(page).toHaveURL(/\/account$/);
  ageProof(`${user}@example.com`, anHour);

  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  const dialog = confirmDialog(page);
  await expect(dialog).toContainText("To set a password, confirm it's you.");
  await dialog.getByRole("button", { name: "Confirm with Google" }).click();
  // The backend asks Google for a fresh login (prompt=login): the stand-in asks again.
  await page.locator('input[name="login"]').fill(user);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/account\?reauthenticated=set-password$/);
  await expect(page.getByTestId("after-proof")).toHaveText(
    "You confirmed it's you. Enter your new password again to finish setting it.",
  );
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Confirm new password").fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByTestId("password-message")).toHaveText("Password set.");
  await expect(methods(page)).toHaveText([/^Password/, /^Google/]);
});
