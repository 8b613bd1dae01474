// Changing the account's address by mail, end to end: the account page asks, the new address
// gets a link through the run's mail catcher (scripts/e2e.sh), and the test opens it as a person
// would; the address the account leaves is told.
import type { Page } from "@playwright/test";
import {
  ageMailLinks,
  ageProof,
  expect,
  login,
  otherBrowser,
  password,
  register,
  test,
  uniqueEmail,
} from "./fixtures";
import { confirmEmailLinks, mailCount, subjects, waitForMail } from "./mail";

/** The mails to `email` with a link to move an account there. */
const changeMails = (email: string) => ({ to: email, subject: subjects.changeEmail });
const sentTo = (email: string) =>
  `We've sent a link to ${email}. Your address changes once you open it (it works for 24 hours).`;
const taken = "Another account already uses this address. Enter a different one.";

const accountEmail = (page: Page) => page.getByTestId("account-email");
const badge = (page: Page) => accountEmail(page).locator(".badge");
const confirmDialog = (page: Page) => page.getByRole("dialog", { name: "Confirm it's you" });

/** On /account: "Change email", the new address, "Send link". */
async function askToMove(page: Page, to: string) {
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByLabel("New email")).toBeFocused();
  await page.getByLabel("New email").fill(to);
  await page.getByRole("button", { name: "Send link" }).click();
}

async function linkOf(email: string, seen = 0): Promise<string> {
  const links = confirmEmailLinks((await waitForMail(changeMails(email), seen)).text);
  expect(links).toHaveLength(1);
  return links[0]!;
}

async function confirm(page: Page) {
  await page.getByRole("button", { name: "Confirm the new address" }).click();
}

/** The requests that use a change of address link's token. */
function confirmRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/email/confirm") seen.push(request.method());
  });
  return seen;
}

test("the new address gets a link; opening it uses nothing; confirming moves the account there, verified; the old address is told; the new one signs in", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const old = uniqueEmail("moving");
  const next = uniqueEmail("moved");
  await register(page, old, "Ada Moving");
  await page.goto("/account");
  await expect(accountEmail(page)).toContainText(old);

  // The fresh session has a recent proof: the link goes out at once. The busy state first.
  await page.route("**/api/auth/email", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await askToMove(page, next);
  await expect(page.getByRole("button", { name: "Sending…" })).toBeDisabled();
  await expect(page.getByTestId("change-email-result")).toHaveText(sentTo(next));
  await expect(page.getByTestId("change-email-result")).toBeFocused();
  await expect(page.getByTestId("change-email-form")).toHaveCount(0);

  // The mail to the new address: a plain-text and an HTML part, each with the same link.
  const mail = await waitForMail(changeMails(next));
  expect(mail.parsed.from?.value[0]?.address).toBe("no-reply@example.com");
  const link = await linkOf(next);
  expect(link).toMatch(new RegExp(`^${baseURL}/confirm-email#token=[A-Za-z0-9_-]{43}$`));
  expect(mail.html).toContain(`href="${link}"`);
  // Nothing changed yet.
  await page.reload();
  await expect(accountEmail(page)).toContainText(old);

  // Opening the link sends nothing with the token: only the button does.
  const confirms = confirmRequests(page);
  await page.goto(link);
  await expect(page.getByTestId("confirm-email-account")).toHaveText(
    `You are signed in as Ada Moving, whose address is ${old}.`,
  );
  // The token left the address bar at once; a reload still has it (the tab kept it).
  await expect.poll(() => page.url()).toBe(`${baseURL}/confirm-email`);
  await page.reload();
  await expect(page.getByTestId("confirm-email-account")).toBeVisible();
  expect(confirms).toEqual([]);

  await page.route("**/api/auth/email/confirm", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await confirm(page);
  await expect(page.getByRole("button", { name: "Confirming…" })).toBeDisabled();
  await expect(page.getByTestId("email-changed")).toHaveText(
    `Your account's address is now ${next}.`,
  );
  await expect(page.getByTestId("email-changed")).toBeFocused();
  expect(confirms).toEqual(["POST"]);
  // Used: nothing in this tab keeps the token.
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);

  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(accountEmail(page)).toContainText(next);
  await expect(badge(page)).toHaveText("verified");
  await page.reload();
  await expect(accountEmail(page)).toContainText(next);
  await expect(accountEmail(page)).not.toContainText(old);
  await expect(badge(page)).toHaveText("verified");

  // The address the account left is told, and where it went.
  const notice = await waitForMail({ to: old, subject: subjects.emailChanged });
  expect(notice.parsed.subject).toContain("Your address was changed");
  expect(notice.text).toContain(next);

  // The same link again: used.
  await page.goto(link);
  await confirm(page);
  await expect(page.getByTestId("link-refused")).toHaveText(
    "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
  );
  await expect(page.getByTestId("address-kept")).toHaveText(
    `Your account's address is still ${next}.`,
  );

  // Signing in: the old address no longer, the new one does.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await login(page, old);
  await expect(page.getByTestId("form-error")).toHaveText("Email or password is incorrect.");
  await login(page, next);
  await expect(page.getByTestId("nav-user")).toContainText("Ada Moving");
  await page.goto("/account");
  await expect(accountEmail(page)).toContainText(next);
});

test("an address another account has: the email_taken sentence beside the field, and no mail goes to it", async ({
  page,
  browser,
  baseURL,
}) => {
  const theirs = uniqueEmail("taken");
  const other = await otherBrowser(browser, baseURL!);
  await register(other.page, theirs, "Taken Already");
  await other.context.close();

  const mine = uniqueEmail("taker");
  await register(page, mine, "Would Take");
  await page.goto("/account");
  // In another case: the backend compares addresses in lower case.
  await askToMove(page, theirs.toUpperCase());
  await expect(page.locator("#new_email-error")).toHaveText(taken);
  await expect(page.getByLabel("New email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("New email")).toBeFocused();
  expect(await mailCount(changeMails(theirs))).toBe(0);

  // The page's own checks: not an address, the account's own.
  await page.getByLabel("New email").fill("not an address");
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.locator("#new_email-error")).toHaveText("Enter a valid email address.");
  await page.getByLabel("New email").fill(mine);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.locator("#new_email-error")).toHaveText(
    "This is already your account's address. Enter the new one.",
  );
  // Cancel closes the form and gives the focus back; the address is as it was.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("change-email-form")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Change email" })).toBeFocused();
  await expect(accountEmail(page)).toContainText(mine);
});

test("without a recent proof, 'Confirm it's you' opens and the link goes out after it", async ({
  page,
}) => {
  const email = uniqueEmail("moveproof");
  const next = uniqueEmail("moveproofto");
  await register(page, email, "Proof First");
  // As if the sign-in were an hour old: past REAUTH_WINDOW_SECS.
  ageProof(email, 3600);
  await page.goto("/account");
  await askToMove(page, next);
  const dialog = confirmDialog(page);
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("To change your address, confirm it's you.");
  await expect(dialog.getByLabel("Password")).toBeFocused();
  expect(await mailCount(changeMails(next))).toBe(0);

  await dialog.getByLabel("Password").fill(password);
  await dialog.getByRole("button", { name: "Confirm with password" }).click();
  await expect(dialog).toHaveCount(0);
  // The same request again, by itself.
  await expect(page.getByTestId("change-email-result")).toHaveText(sentTo(next));
  const link = await linkOf(next);
  await page.goto(link);
  await confirm(page);
  await expect(page.getByTestId("email-changed")).toHaveText(
    `Your account's address is now ${next}.`,
  );
});

test("a link opened in another account's session changes nothing; signing out and in to the account that asked does", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const owner = uniqueEmail("moveowner");
  const next = uniqueEmail("moveownerto");
  await register(page, owner, "Move Owner");
  await page.goto("/account");
  await askToMove(page, next);
  await expect(page.getByTestId("change-email-result")).toHaveText(sentTo(next));
  const link = await linkOf(next);

  // Someone else, signed in to their own account, opens it.
  const other = await otherBrowser(browser, baseURL!);
  const them = other.page;
  const someoneElse = uniqueEmail("moveother");
  await register(them, someoneElse, "Someone Else");
  await them.goto(link);
  await expect(them.getByTestId("confirm-email-account")).toContainText(someoneElse);
  await confirm(them);
  await expect(them.getByTestId("confirm-email-other-account")).toHaveText(
    `This link was sent for another account, not for ${someoneElse}, so nothing was changed. To move that account to its new address, sign out and sign in to it.`,
  );
  await expect(them.getByTestId("confirm-email-other-account")).toBeFocused();
  // Neither account moved.
  await page.reload();
  await expect(accountEmail(page)).toContainText(owner);

  // Signing out, and in to the account that asked, back on the page with the link kept.
  await them.getByRole("button", { name: "Sign out and sign in to the other account" }).click();
  await expect(them).toHaveURL(/\/login\?redirect_to=%2Fconfirm-email$/);
  await expect(them.getByTestId("sign-in-notice")).toHaveText(
    "Sign in to the account that asked for the new address, and you'll come back to confirm it.",
  );
  await expect(them.locator("form[data-usable]")).toBeAttached();
  await login(them, owner);
  await expect(them).toHaveURL(`${baseURL}/confirm-email`);
  await expect(them.getByTestId("confirm-email-account")).toHaveText(
    `You are signed in as Move Owner, whose address is ${owner}.`,
  );
  await confirm(them);
  await expect(them.getByTestId("email-changed")).toHaveText(
    `Your account's address is now ${next}.`,
  );
  await page.reload();
  await expect(accountEmail(page)).toContainText(next);
  await other.context.close();
});

test("a link opened signed out asks for a sign-in first; one whose address was taken meanwhile, or one past its 24 hours, changes nothing and says why", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("movelate");
  const wanted = uniqueEmail("movewanted");
  await register(page, email, "Late Mover");
  await page.goto("/account");
  await askToMove(page, wanted);
  await expect(page.getByTestId("change-email-result")).toHaveText(sentTo(wanted));
  const first = await linkOf(wanted);

  // Someone registers the address before the link is used; opened signed out on their device.
  const other = await otherBrowser(browser, baseURL!);
  await other.page.goto(first);
  await expect(other.page.getByTestId("confirm-email-sign-in")).toHaveText(
    "Sign in to the account that asked for this address, then you can confirm it.",
  );
  await expect.poll(() => other.page.url()).toBe(`${baseURL}/confirm-email`);
  await register(other.page, wanted, "Quicker");
  await other.context.close();

  await page.goto(first);
  await confirm(page);
  await expect(page.getByTestId("link-refused")).toHaveText(
    "Another account started using this address after the link was sent, so your address was not changed.",
  );
  await expect(page.getByTestId("link-refused")).toBeFocused();
  await expect(page.getByTestId("address-kept")).toHaveText(
    `Your account's address is still ${email}.`,
  );
  // A refused link is forgotten: the page has nothing left to send.
  await page.reload();
  await expect(page.getByTestId("link-incomplete")).toBeVisible();

  // Another address, its link opened after 25 hours.
  const later = uniqueEmail("movelater");
  await page.goto("/account");
  await askToMove(page, later);
  await expect(page.getByTestId("change-email-result")).toHaveText(sentTo(later));
  const second = await linkOf(later);
  ageMailLinks(later, 25 * 3600);
  await page.goto(second);
  await confirm(page);
  await expect(page.getByTestId("link-refused")).toHaveText(
    "This link has expired: a link to confirm a new address works for 24 hours.",
  );
  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(accountEmail(page)).toContainText(email);
});

test("a link without its token is incomplete, signed in or not", async ({ page, baseURL }) => {
  await page.goto("/confirm-email#token=");
  await expect(page.getByTestId("link-incomplete")).toHaveText(
    "This link is incomplete. Open the whole link from the mail again, or sign in and ask for a new one from your account page.",
  );
  await expect.poll(() => page.url()).toBe(`${baseURL}/confirm-email`);
  await register(page, uniqueEmail("movecut"), "Cut Short");
  await page.goto("/confirm-email");
  await expect(page.getByTestId("link-incomplete")).toHaveText(
    "This link is incomplete. Open the whole link from the mail again, or ask for a new one from your account page.",
  );
});
