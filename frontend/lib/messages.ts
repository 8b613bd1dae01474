// Plain sentences for the codes the backend sends: problem documents' `code`, validation errors'
// `errors[].code` and the `?error=` of a failed OAuth redirect. Each table is keyed by the
// backend's published enum, so a code the backend adds without a sentence here fails `tsc`.
import type { FieldErrorCode, LocalProblemCode, OAuthErrorCode, ProblemCode } from "./codes";

/** A message as a full sentence: the server's texts may come without the closing stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** The table's entry for `code`, when `code` is one of its own keys (never Object's). */
function lookUp<T>(table: Record<string, T>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

export const oauthErrors: Readonly<Record<OAuthErrorCode, string>> = {
  access_denied: "Sign-in was cancelled at the provider. You can try again.",
  invalid_state: "That sign-in link expired or was already used. Please start again.",
  provider_error: "The provider did not answer as expected. Please try again.",
  email_not_verified:
    "This site cannot take the provider's word for that email address, so it cannot be used to sign in to the account that has it. Sign in another way, then link the provider from your account page.",
  unavailable: "Sign-in cannot be completed right now. Please try again in a moment.",
  session_expired: "Your session ended before the provider answered. Sign in and try again.",
  already_linked: "That provider account is already linked to another user.",
  // On /login: rule 6 of the sign-in flow; only a link started from the account page links it.
  identity_unlinked:
    "That provider account was unlinked from your account, so it no longer signs you in. Sign in another way, then link it again from your account page if you want to use it.",
  // The site's operator pointed the provider at another issuer since the link was made: nothing
  // the person can do with that provider account until the operator sorts it out.
  issuer_changed:
    "This site's settings for that provider have changed since your account was linked to it, so that provider account cannot be used here for now. Use another way to sign in, or ask the site's administrator.",
  reauthentication_failed:
    "That did not confirm it's you. Use a provider account that is linked to this account, and sign in there again when it asks.",
  // The account page also opens its "Confirm it's you" dialog for this one.
  reauthentication_required: "To link a provider, first confirm it's you.",
};

/**
 * Why the login page is shown, when it is not the person's own idea: their session ended
 * (revoked from another device, or expired), or they opened a page that needs a sign-in.
 */
export function signInNotice(why: {
  ended: boolean;
  protectedPage: boolean;
  /** Sent here by a verification link's page (`redirect_to=/verify-email`). */
  verifying?: boolean;
  /** Sent here by a change of address link's page (`redirect_to=/confirm-email`). */
  changingEmail?: boolean;
}): string | null {
  if (why.ended) return "You were signed out. Sign in again to continue.";
  if (why.protectedPage) return "Sign in to see your account.";
  if (why.verifying)
    return "Sign in to the account the link was sent for, and you'll come back to confirm its address.";
  if (why.changingEmail)
    return "Sign in to the account that asked for the new address, and you'll come back to confirm it.";
  return null;
}

/** What the mail pages say when the service sends no mail (`email_links: false`, or a 404). */
export const mailLinksUnavailable =
  "Password reset by mail is not available here. If you cannot sign in, contact the site's administrator.";

/** Said after a reset link was asked for: the same whether or not the address has an account. */
export const resetLinkSent =
  "If an account uses this address, we've sent a link to reset its password. It works for 30 minutes.";

/** How long to wait, in words: "45 seconds", "2 minutes" (rounded up). */
export function waitTime(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/** The verification page and the account page when the service sends no mail. */
export const verifyMailUnavailable =
  "Confirming an address by mail is not available here, so there is nothing to do.";

/** The verification page, signed out: the link is used only by its own account's session. */
export const verifySignInFirst =
  "Sign in to the account this link was sent for, then you can confirm it.";

/** A verification link refused, in the page's words (the reset link's 30 minutes are not these). */
export const verifyLinkRefusals: Readonly<Record<"invalid_link" | "link_expired", string>> = {
  invalid_link:
    "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
  link_expired: "This link has expired: a confirmation link works for 24 hours.",
};

/** After `POST /api/auth/email/verification`: where the link went and how long it works. */
export function verificationMailSent(email: string): string {
  return `We've sent a new link to ${email}. Check your inbox: the link works for 24 hours.`;
}

/** A verification mail asked for again too soon (429): the wait from `Retry-After`. */
export function verificationMailWait(seconds: number | undefined): string {
  return seconds === undefined
    ? "A mail was sent a moment ago. Wait a minute before asking for another."
    : `A mail was sent a moment ago. You can ask for another in ${waitTime(seconds)}.`;
}

/**
 * The verification link was opened in another account's session: the backend verified nothing
 * (401). `email` is the signed-in account's address, which the link is not for.
 */
export function verifyOtherAccount(email: string): string {
  return `This link was sent for another account, not for ${email}, so nothing was confirmed. To confirm that account's address, sign out and sign in to it.`;
}

/** The account page and the new address's page when the service sends no mail. */
export const changeEmailUnavailable =
  "Changing your address by mail is not available here, so your address stays as it is.";

/** After `PUT /api/auth/email`: where the link went; nothing changes until it is opened. */
export function changeEmailSent(email: string): string {
  return `We've sent a link to ${email}. Your address changes once you open it (it works for 24 hours).`;
}

/**
 * What the change of address form says beside the new address, for the field codes whose
 * general sentence is not about an address (`same_as_current` is the password's otherwise).
 */
export const newEmailFieldSentences: Readonly<
  Record<Extract<FieldErrorCode, "required" | "same_as_current">, string>
> = {
  required: "Enter the new address.",
  same_as_current: "This is already your account's address. Enter the new one.",
};

/** A new address refused (`PUT /api/auth/email`), for the codes the route has its own words for. */
export const changeEmailRefusals: Readonly<
  Record<Extract<ProblemCode, "email_taken" | "not_found">, string>
> = {
  // Said only to the signed-in owner with a recent proof.
  email_taken: "Another account already uses this address. Enter a different one.",
  not_found: changeEmailUnavailable,
};

/** The new address's page, signed out: the link is used only by the account that asked. */
export const changeEmailSignInFirst =
  "Sign in to the account that asked for this address, then you can confirm it.";

/** A change of address link refused, in the page's words; the account keeps its address. */
export const changeLinkRefusals: Readonly<
  Record<Extract<ProblemCode, "invalid_link" | "link_expired" | "email_taken">, string>
> = {
  invalid_link:
    "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
  link_expired: "This link has expired: a link to confirm a new address works for 24 hours.",
  // 409 at the confirmation: someone registered (or moved to) the address after the mail.
  email_taken:
    "Another account started using this address after the link was sent, so your address was not changed.",
};

/** After `POST /api/auth/email/confirm`: the account's address now. */
export function emailChanged(email: string): string {
  return `Your account's address is now ${email}.`;
}

/**
 * The change of address link was opened in another account's session: the backend changed
 * nothing (401). `email` is the signed-in account's address, which the link is not for.
 */
export function changeEmailOtherAccount(email: string): string {
  return `This link was sent for another account, not for ${email}, so nothing was changed. To move that account to its new address, sign out and sign in to it.`;
}

/** The notices another page sends to the account page (`/account?notice=`). */
export const accountNotices = {
  "password-reset":
    "Your password was reset and you are signed in. Every other device was signed out.",
} as const;

export type AccountNotice = keyof typeof accountNotices;

/** The account page's notice for `?notice=`; null for none or one this build does not know. */
export function accountNotice(value: string | null | undefined): string | null {
  if (!value) return null;
  return lookUp(accountNotices, value) ?? null;
}

/**
 * A sentence for an OAuth failure code from `?error=`; a code this build does not know (a
 * newer backend's) gets a generic one, never the code itself.
 */
export function oauthErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return lookUp(oauthErrors, code) ?? "Something went wrong with the provider. Please try again.";
}

export const fieldErrorSentences: Readonly<Record<FieldErrorCode, string>> = {
  required: "This field is required.",
  invalid_email: "Enter a valid email address.",
  invalid_characters: "Remove invisible or control characters.",
  too_short: "This is too short.",
  too_long: "This is too long.",
  too_common: "This password is too common. Choose something less guessable.",
  contains_email: "The password must not be your email address.",
  incorrect: "The current password is incorrect.",
  same_as_current: "The new password is the same as your current one. Choose a different one.",
  // A field of the wrong JSON type: the page sent it wrong, so reloading is the way out.
  invalid_type: "This value could not be read. Reload the page and try again.",
};

/**
 * A sentence for a field error code; for a code this build does not know (a newer backend's,
 * which the type cannot exclude at run time), the server's own message.
 */
export function fieldErrorMessage(code: FieldErrorCode, serverMessage?: string): string {
  const fromServer = serverMessage ? asSentence(serverMessage) : undefined;
  return lookUp(fieldErrorSentences, code) ?? fromServer ?? "This value is not accepted.";
}

/**
 * The page's own sentence for each problem code, or null where the server's detail is already
 * what a person should read. A sentence replaces a detail written for a developer (a header, a
 * byte limit, "resource"), or one that does not say what to do.
 */
export const problemSentences: Readonly<Record<ProblemCode, string | null>> = {
  bad_request: "The service could not read that request. Reload the page and try again.",
  // The reset page follows these two with an "Ask for a new link" link.
  invalid_link:
    "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
  link_expired: "This link has expired: a password reset link works for 30 minutes.",
  unauthenticated: "You are not signed in. Sign in and try again.",
  // "Email or password is incorrect": said as it is, so it never tells which one.
  invalid_credentials: null,
  token_expired: "Your session has expired. Sign in again to continue.",
  csrf_rejected:
    "This page was opened from an address this service does not accept. Open the site at its usual address and try again.",
  // The account page opens its "Confirm it's you" dialog instead of showing this.
  reauthentication_required: "To change how you sign in, first confirm it's you.",
  not_found:
    "That was not found; it may already have been removed. Reload the page to see what is current.",
  provider_not_configured:
    "That sign-in provider is not available here. Reload the page to see the ones that are.",
  method_not_allowed: "The service could not handle that request. Reload the page and try again.",
  request_timeout: "The request took too long to arrive. Check your connection and try again.",
  // The registration form follows it with a "Sign in instead" link.
  email_taken: "An account with this email already exists.",
  // A verification mail asked for an address that is verified (another tab confirmed it).
  already_verified: "Your address is already confirmed: there is nothing more to do.",
  last_sign_in_method:
    "That is the only way left to sign in to your account, so it cannot be removed. Set a password or link a provider first.",
  // The passkeys card says it in its own words when it is a passkey (lastWayInReason).
  // A passkey ceremony is good for 5 minutes and once; starting again is all it takes.
  invalid_ceremony: "That passkey request took too long or was already used. Please try again.",
  // 401 at sign-in: the same answer for a bad signature and a removed passkey. The account page
  // has its own words for a registration's and a confirmation's (passkeyRefusals).
  passkey_rejected:
    "That passkey was not accepted: it may have been removed from its account. Try another passkey, or sign in another way.",
  passkey_exists:
    "That passkey is already on an account here, so it was not added again. Use another device or password manager.",
  payload_too_large: "What you entered is too long to send. Shorten it and try again.",
  validation_failed: "Some of what you entered was not accepted. Check the form and try again.",
  // A 429's message is the wait time from `Retry-After` (problemMessage); the detail says it too.
  rate_limited: null,
  internal_error: "Something went wrong on the server. Please try again in a moment.",
  // "The service is temporarily unavailable; try again shortly".
  unavailable: null,
};

/**
 * A sentence for a problem code when the page has its own; undefined when the server's detail
 * is to be shown, and for a code this build does not know (a newer backend's).
 */
export function problemCodeMessage(code: ProblemCode | LocalProblemCode): string | undefined {
  return lookUp(problemSentences, code) ?? undefined;
}
