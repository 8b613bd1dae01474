// Passkeys in Chromium with virtual authenticators (e2e/authenticator.ts): adding one on the
// account page, signing in from the email field's autofill and with the button, renaming and
// removing, "Confirm it's you" with a passkey, the last way in, the browser's refusals, a passkey
// the server no longer knows, and a browser without WebAuthn.
import type { Page } from "@playwright/test";
import { countAutofillRequests, webAuthn } from "./authenticator";
import {
  ageProof,
  expect,
  googleConsent,
  noSeriousViolations,
  password,
  register,
  tag,
  test,
  uniqueEmail,
  watchCsp,
} from "./fixtures";

/** Well past REAUTH_WINDOW_SECS (600 by default). */
const anHour = 3600;
const added = /^The passkey “.+” was added\. You can sign in with it now\.$/;
const notUsed =
  "No passkey was used: the request was cancelled, timed out or not allowed. Try again, or sign in another way.";

const passkeyRows = (page: Page) => page.getByTestId("passkeys").getByTestId("passkey");
const said = (page: Page) => page.getByTestId("passkeys-message");
const methods = (page: Page) => page.getByTestId("linked-providers").getByRole("listitem");
const confirmDialog = (page: Page) => page.getByRole("dialog", { name: "Confirm it's you" });
const passkeyButton = (page: Page) => page.getByRole("button", { name: "Sign in with a passkey" });

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function addPasskey(page: Page, name: string) {
  await page.getByLabel("Name (optional)").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(said(page)).toHaveText(
    `The passkey “${name}” was added. You can sign in with it now.`,
  );
}

/** Holds the page's requests to `path` until the returned function is called. */
async function hold(page: Page, path: string) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**${path}`, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test("a passkey added on the account page signs in from the email field's autofill and from the button", async ({
  page,
}) => {
  await register(page, uniqueEmail("passkey"), "Pass Key");
  const device = await webAuthn(page);
  const autofillRequests = await countAutofillRequests(page);
  await page.goto("/account");
  await expect(page.getByTestId("no-passkeys")).toHaveText("You have no passkeys yet.");
  await expect(methods(page)).toHaveText([/^Password/]);

  const laptop = await device.attach();
  const finish = await hold(page, "/api/auth/passkeys/register/finish");
  // Left unnamed: the server names it after the browser and device.
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("button", { name: "Adding…" })).toBeDisabled();
  finish();
  await expect(said(page)).toHaveText(added);
  await expect(passkeyRows(page)).toHaveCount(1);
  await expect(passkeyRows(page)).toContainText("This device only");
  await expect(page.getByTestId("passkey-use")).toHaveText(/^Added .+ · never used$/);
  await expect(methods(page)).toHaveText([/^Password/, /^Passkey/]);
  // The same device again: it already holds this account's passkey, so it makes none.
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(said(page)).toHaveText(
    "This device already has a passkey for your account, so nothing was added. To add another, use another device or password manager.",
  );
  await expect(passkeyRows(page)).toHaveCount(1);
  await noSeriousViolations(page);

  const [passkey] = await device.passkeys(laptop);
  await device.detach(laptop);
  await signOut(page);
  await expect(page.getByLabel("Email")).toHaveAttribute("autocomplete", "username webauthn");

  // The autofill: the browser offers the passkey in the email field and the device picks it, as
  // the person would; nothing is pressed.
  const back = await device.attach({}, [passkey!]);
  await page.goto("/login?callbackUrl=%2Faccount");
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("nav-user")).toContainText("Pass Key");
  expect(await autofillRequests()).toBe(1);
  await expect(page.locator('[data-current="true"]').getByTestId("session-method")).toHaveText(
    "Signed in with a passkey",
  );
  await expect(page.getByTestId("passkey-use")).toHaveText(/ · last used .+$/);

  // The button, while the autofill's request is open with the browser's own passkeys (none,
  // headless): it stops that request and asks in the browser's dialog.
  const [used] = await device.passkeys(back);
  await device.detach(back);
  await signOut(page);
  await device.off();
  await page.reload();
  // Only once the request is with the browser's own passkeys may the virtual ones come back,
  // or they would answer it themselves.
  await expect.poll(autofillRequests).toBe(1);
  await device.on();
  await device.attach({}, [used!]);
  const signIn = await hold(page, "/api/auth/passkeys/login/finish");
  await passkeyButton(page).click();
  await expect(page.getByRole("button", { name: "Signing in…" })).toBeDisabled();
  signIn();
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.getByTestId("nav-user")).toContainText("Pass Key");
});

test("a refused passkey request is said on /login, and the password still signs in", async ({
  page,
}) => {
  const email = uniqueEmail("refused");
  await register(page, email, "Re Fused");
  await signOut(page);
  await expect(passkeyButton(page)).toBeEnabled();
  await noSeriousViolations(page);
  // A device that cannot verify the person: every request it gets is refused.
  const device = await webAuthn(page);
  await device.attach({ isUserVerified: false });
  await passkeyButton(page).click();
  await expect(page.getByTestId("form-error")).toHaveText(notUsed);
  await expect(passkeyButton(page)).toBeEnabled();
  await noSeriousViolations(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("nav-user")).toContainText("Re Fused");
});

test("rename and remove a passkey; an hour-old sign-in confirms it's you with one", async ({
  page,
}) => {
  const email = uniqueEmail("rename");
  await register(page, email, "Re Name");
  const device = await webAuthn(page);
  await page.goto("/account");
  const locked = await device.attach({ isUserVerified: false });
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(said(page)).toHaveText(
    "No passkey was added: the request was cancelled, timed out or not allowed. You can try again.",
  );
  await device.detach(locked);
  const synced = await device.attach({ synced: true });
  await addPasskey(page, "Laptop");
  await expect(passkeyRows(page)).toHaveText([/^Laptop Synced/]);

  await page.getByRole("button", { name: "Rename Laptop" }).click();
  const field = passkeyRows(page).getByLabel("Name", { exact: true });
  await expect(field).toBeFocused();
  await expect(field).toHaveValue("Laptop");
  await field.fill(" ");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(passkeyRows(page).getByRole("alert")).toHaveText("Enter a name for the passkey.");
  await noSeriousViolations(page);
  await field.fill("Work laptop");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("button", { name: "Rename Work laptop" })).toBeFocused();
  await page.reload();
  await expect(page.getByTestId("passkey-name")).toHaveText("Work laptop");

  ageProof(email, anHour);
  await page.getByRole("button", { name: "Remove Work laptop" }).click();
  const dialog = confirmDialog(page);
  await expect(dialog).toContainText("To remove the passkey “Work laptop”, confirm it's you.");
  await expect(dialog.getByRole("button", { name: "Use a passkey" })).toBeVisible();
  await noSeriousViolations(page);
  await dialog.getByRole("button", { name: "Use a passkey" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(said(page)).toHaveText(
    "The passkey “Work laptop” was removed. Other devices that signed in with it were signed out.",
  );
  await expect(said(page)).toBeFocused();
  await expect(page.getByTestId("no-passkeys")).toBeVisible();
  await expect(methods(page)).toHaveText([/^Password/]);

  // The device still holds the removed passkey: offered on /login, refused by the server.
  const [removed] = await device.passkeys(synced);
  await device.detach(synced);
  await signOut(page);
  await device.attach({}, [removed!]);
  await page.reload();
  await expect(page.getByTestId("form-error")).toHaveText(
    "That passkey was not accepted: it may have been removed from its account. Try another passkey, or sign in another way.",
  );
  await expect(page.getByTestId("nav-user")).toHaveCount(0);
  await noSeriousViolations(page);

  // Without a recent proof and with no passkey left, the password confirms it's you.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("nav-user")).toContainText("Re Name");
  ageProof(email, anHour);
  await page.goto("/account");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(dialog).toContainText("To add a passkey, confirm it's you.");
  await expect(dialog.getByRole("button", { name: "Use a passkey" })).toHaveCount(0);
  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Confirm with password" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(said(page)).toHaveText(added);
});

test("an account whose only way in is a passkey keeps its last one, and says why", async ({
  page,
}) => {
  await page.goto("/login?callbackUrl=%2Faccount");
  await page.getByRole("link", { name: "Continue with Google" }).click();
  await googleConsent(page, `only${tag()}`);
  await expect(page).toHaveURL(/\/account$/);
  const device = await webAuthn(page);
  const phone = await device.attach();
  await addPasskey(page, "Phone");
  await device.detach(phone);
  await device.attach();
  await addPasskey(page, "Tablet");
  await page.getByRole("button", { name: "Unlink Google" }).click();
  await expect(page.getByTestId("methods-message")).toHaveText(/^Google was unlinked\./);
  await expect(methods(page)).toHaveText([/^Passkey/]);
  await expect(page.getByRole("button", { name: "Remove Tablet" })).toBeEnabled();

  // Another tab removes one while this one still lists both.
  const other = await page.context().newPage();
  watchCsp(other);
  await other.goto("/account");
  await other.getByRole("button", { name: "Remove Phone" }).click();
  await expect(other.getByTestId("passkeys-message")).toHaveText(
    /^The passkey “Phone” was removed\./,
  );
  const reason =
    "This passkey is your only way to sign in, so it cannot be removed. Set a password, link a provider or add another passkey first.";
  await expect(other.getByTestId("last-passkey")).toHaveText(reason);
  const removeTablet = other.getByRole("button", { name: "Remove Tablet" });
  await expect(removeTablet).toBeDisabled();
  await expect(removeTablet).toHaveAccessibleDescription(reason);
  await other.close();

  await page.getByRole("button", { name: "Remove Tablet" }).click();
  await expect(said(page)).toHaveText(reason);
  await expect(passkeyRows(page)).toHaveText([/^Tablet/]);
  await expect(page.getByRole("button", { name: "Remove Tablet" })).toBeDisabled();
  await noSeriousViolations(page);
});

test("a browser without WebAuthn is offered no passkey", async ({ page }) => {
  await register(page, uniqueEmail("nowebauthn"), "No Authn");
  const device = await webAuthn(page);
  await page.goto("/account");
  await device.attach();
  await addPasskey(page, "Desk");

  const bare = await page.context().newPage();
  watchCsp(bare);
  await bare.addInitScript(() => {
    delete (window as { PublicKeyCredential?: unknown }).PublicKeyCredential;
  });
  // How the backend answers a link started without a recent proof: the page opens the dialog.
  await bare.goto("/account?error=reauthentication_required&provider=google");
  const dialog = confirmDialog(bare);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Use a passkey" })).toHaveCount(0);
  await bare.keyboard.press("Escape");
  // The passkeys it has stay listed, to rename or remove; none can be added here.
  await expect(bare.getByTestId("passkey-name")).toHaveText("Desk");
  await expect(bare.getByTestId("passkeys-unsupported")).toBeVisible();
  await expect(bare.getByRole("button", { name: "Add a passkey" })).toHaveCount(0);
  await noSeriousViolations(bare);
  await bare.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(bare).toHaveURL(/\/login$/);
  await expect(bare.locator("form[data-usable]")).toBeAttached();
  await expect(bare.getByRole("button", { name: /passkey/i })).toHaveCount(0);
  await bare.close();
});
