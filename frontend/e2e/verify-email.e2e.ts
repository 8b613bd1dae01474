// Confirming an address by mail, end to end: registering sends the mail through the run's mail
// catcher (scripts/e2e.sh), and the test opens the link from the mail as a person would.
import type { Page } from "@playwright/test";
import {
  ageMailLinks,
  expect,
  login,
  otherBrowser,
  register,
  test,
  uniqueEmail,
  watchCsp,
} from "./fixtures";
import { mailCount, subjects, verifyLinks, waitForMail } from "./mail";

/** The verification mails to `email` (a reset's may go to the same address). */
const verificationMails = (email: string) => ({ to: email, subject: subjects.verify });
const sentTo = (email: string) =>
  `We've sent a new link to ${email}. Check your inbox: the link works for 24 hours.`;
const usedLink =
  "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.";

/** The badge beside the address on /account. */
const badge = (page: Page) => page.getByTestId("account-email").locator(".badge");

async function linkOf(email: string, seen = 0): Promise<string> {
  const links = verifyLinks((await waitForMail(verificationMails(email), seen)).text);
  expect(links).toHaveLength(1);
  return links[0]!;
}

async function confirm(page: Page) {
  await page.getByRole("button", { name: "Confirm my address" }).click();
}

/** The requests that use a verification link's token. */
function verifyRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/email/verify") seen.push(request.method());
  });
  return seen;
}

test("registering sends a link; opening it uses nothing, the button confirms the address, and the account page shows it verified", async ({
  page,
  baseURL,
}) => {
  const email = uniqueEmail("verify");
  await register(page, email, "Ada Verify");

  // The mail: a plain-text and an HTML part, each with the same link.
  const mail = await waitForMail(verificationMails(email));
  expect(mail.parsed.from?.value[0]?.address).toBe("no-reply@example.com");
  const link = await linkOf(email);
  expect(link).toMatch(new RegExp(`^${baseURL}/verify-email#token=[A-Za-z0-9_-]{43}$`));
  expect(verifyLinks(mail.html)).toContain(link);
  expect(mail.html).toContain(`href="${link}"`);

  await page.goto("/account");
  await expect(badge(page)).toHaveText("not verified");
  await expect(page.getByRole("button", { name: "Send verification mail" })).toBeVisible();

  // Opening the link sends nothing with the token: only the button does.
  const verifies = verifyRequests(page);
  await page.goto(link);
  await expect(page.getByTestId("verify-address")).toHaveText(`Confirm the address ${email}.`);
  await expect(page.getByText("You are signed in as Ada Verify.")).toBeVisible();
  // The token left the address bar at once; a reload still has it (the tab kept it).
  await expect.poll(() => page.url()).toBe(`${baseURL}/verify-email`);
  await page.reload();
  await expect(page.getByTestId("verify-address")).toBeVisible();
  expect(verifies).toEqual([]);

  // The busy state, then confirmed.
  await page.route("**/api/auth/email/verify", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await confirm(page);
  await expect(page.getByRole("button", { name: "Confirming…" })).toBeDisabled();
  await expect(page.getByTestId("verify-confirmed")).toHaveText("Your address is confirmed.");
  await expect(page.getByTestId("verify-confirmed")).toBeFocused();
  expect(verifies).toEqual(["POST"]);
  // Used: nothing in this tab keeps the token.
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);

  await page.getByRole("link", { name: "Go to your account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(badge(page)).toHaveText("verified");
  await expect(page.getByRole("button", { name: "Send verification mail" })).toHaveCount(0);
  // After a reload too: the backend has it.
  await page.reload();
  await expect(badge(page)).toHaveText("verified");

  // The same link again: the address is already confirmed, and nothing is sent.
  await page.goto(link);
  await expect(page.getByTestId("verify-already")).toHaveText(
    `Your address ${email} is already confirmed. There is nothing more to do.`,
  );
  expect(verifies).toEqual(["POST"]);
});

test("a link opened while signed out: sign in to its account, back on the page, then confirm", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail("verifyout");
  await register(page, email, "Signed Out Verify");
  const link = await linkOf(email);

  // Another browser, with no session: the mail opened on another device.
  const other = await otherBrowser(browser, baseURL!);
  const phone = other.page;
  const verifies = verifyRequests(phone);
  await phone.goto(link);
  await expect(phone.getByTestId("verify-sign-in")).toHaveText(
    "Sign in to the account this link was sent for, then you can confirm it.",
  );
  await expect.poll(() => phone.url()).toBe(`${baseURL}/verify-email`);
  await phone.getByRole("link", { name: "Sign in to confirm" }).click();
  await expect(phone).toHaveURL(/\/login\?redirect_to=%2Fverify-email$/);
  await expect(phone.getByTestId("sign-in-notice")).toHaveText(
    "Sign in to the account the link was sent for, and you'll come back to confirm its address.",
  );
  await expect(phone.locator("form[data-usable]")).toBeAttached();
  await login(phone, email);

  // Back on the page, which kept the link while the person signed in.
  await expect(phone).toHaveURL(`${baseURL}/verify-email`);
  await expect(phone.getByTestId("verify-address")).toHaveText(`Confirm the address ${email}.`);
  expect(verifies).toEqual([]);
  await confirm(phone);
  await expect(phone.getByTestId("verify-confirmed")).toHaveText("Your address is confirmed.");
  expect(verifies).toEqual(["POST"]);

  // The first browser's account page shows it too.
  await page.goto("/account");
  await expect(badge(page)).toHaveText("verified");
  await other.context.close();
});

test("the account page sends a new mail whose link replaces the older one; asking again within the minute shows the wait; a stale page is told the address is confirmed", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("verifyagain");
  await register(page, email, "Again Verify");
  // The registration's mail first, so that the next one is the button's.
  const first = await linkOf(email);

  await page.goto("/account");
  await expect(badge(page)).toHaveText("not verified");
  const send = page.getByRole("button", { name: "Send verification mail" });
  await page.route("**/api/auth/email/verification", async (route) => {
    await new Promise((r) => setTimeout(r, 500));
    await route.continue();
  });
  await send.click();
  await expect(page.getByRole("button", { name: "Sending…" })).toBeDisabled();
  await expect(page.getByTestId("verification-mail-result")).toHaveText(sentTo(email));
  const second = await linkOf(email, 1);
  expect(second).not.toBe(first);

  // Again within the minute: the wait, from Retry-After; no mail goes out.
  await page.unroute("**/api/auth/email/verification");
  await send.click();
  await expect(page.getByTestId("verification-mail-result")).toHaveText(
    /^A mail was sent a moment ago\. You can ask for another in (([1-9]|[1-5]\d) seconds?|1 minute)\.$/,
  );
  await expect(send).toBeEnabled();
  expect(await mailCount(verificationMails(email))).toBe(2);

  // A second tab left on the account page, from before the address is confirmed.
  const stale = await page.context().newPage();
  watchCsp(stale);
  await stale.goto("/account");
  await expect(stale.getByRole("button", { name: "Send verification mail" })).toBeEnabled();

  // The older link was replaced: refused, with a way to send another.
  await page.goto(first);
  await confirm(page);
  await expect(page.getByTestId("link-refused")).toHaveText(usedLink);
  await expect(page.getByTestId("link-refused")).toBeFocused();
  await expect(page.getByRole("button", { name: "Send a new link" })).toBeVisible();
  // The newer one, opened in the same tab: confirmed.
  await page.goto(second);
  await confirm(page);
  await expect(page.getByTestId("verify-confirmed")).toBeVisible();

  // The stale tab asks for a mail: already verified (409), and the badge turns.
  await stale.getByRole("button", { name: "Send verification mail" }).click();
  await expect(stale.getByTestId("verification-mail-result")).toHaveText(
    "Your address is already confirmed: there is nothing more to do.",
  );
  await expect(badge(stale)).toHaveText("verified");
  await expect(stale.getByRole("button", { name: "Send verification mail" })).toHaveCount(0);
  await stale.close();
});

test("a link opened in another account's session confirms nothing; signing out and in to its own account does", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const email = uniqueEmail("verifyowner");
  await register(page, email, "Link Owner");
  const link = await linkOf(email);

  // Someone else, signed in to their own account, opens it.
  const other = await otherBrowser(browser, baseURL!);
  const them = other.page;
  const someoneElse = uniqueEmail("verifyother");
  await register(them, someoneElse, "Someone Else");
  await them.goto(link);
  await expect(them.getByTestId("verify-address")).toHaveText(
    `Confirm the address ${someoneElse}.`,
  );
  await confirm(them);
  await expect(them.getByTestId("verify-other-account")).toHaveText(
    `This link was sent for another account, not for ${someoneElse}, so nothing was confirmed. To confirm that account's address, sign out and sign in to it.`,
  );
  await expect(them.getByTestId("verify-other-account")).toBeFocused();
  // Neither account was confirmed.
  await page.goto("/account");
  await expect(badge(page)).toHaveText("not verified");

  // Signing out and in to the link's own account, back on the page with the link kept.
  await them.getByRole("button", { name: "Sign out and sign in to the other account" }).click();
  await expect(them).toHaveURL(/\/login\?redirect_to=%2Fverify-email$/);
  await expect(them.locator("form[data-usable]")).toBeAttached();
  await login(them, email);
  await expect(them).toHaveURL(`${baseURL}/verify-email`);
  await expect(them.getByTestId("verify-address")).toHaveText(`Confirm the address ${email}.`);
  await confirm(them);
  await expect(them.getByTestId("verify-confirmed")).toBeVisible();
  await page.reload();
  await expect(badge(page)).toHaveText("verified");
  await other.context.close();
});

test("a link opened after its 24 hours says it expired; the page sends a new one, which works", async ({
  page,
}) => {
  const email = uniqueEmail("verifylate");
  await register(page, email, "Late Verify");
  const link = await linkOf(email);
  // As if it had been sent 25 hours ago.
  ageMailLinks(email, 25 * 3600);
  await page.goto(link);
  await confirm(page);
  await expect(page.getByTestId("link-refused")).toHaveText(
    "This link has expired: a confirmation link works for 24 hours.",
  );
  await page.getByRole("button", { name: "Send a new link" }).click();
  await expect(page.getByTestId("verification-mail-result")).toHaveText(sentTo(email));
  const fresh = await linkOf(email, 1);
  await page.goto(fresh);
  await confirm(page);
  await expect(page.getByTestId("verify-confirmed")).toBeVisible();
});

test("a link without its token is incomplete, signed in or not", async ({ page, baseURL }) => {
  await page.goto("/verify-email#token=");
  await expect(page.getByTestId("link-incomplete")).toHaveText(
    "This link is incomplete. Open the whole link from the mail again, or sign in and send a new one from your account page.",
  );
  await expect.poll(() => page.url()).toBe(`${baseURL}/verify-email`);
  await register(page, uniqueEmail("verifycut"), "Cut Short");
  await page.goto("/verify-email");
  await expect(page.getByTestId("link-incomplete")).toHaveText(
    "This link is incomplete. Open the whole link from the mail again, or send a new one.",
  );
  await expect(page.getByRole("button", { name: "Send a new link" })).toBeEnabled();
});
