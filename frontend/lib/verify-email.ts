// What the verification page (`/verify-email#token=…`) shows, and what the verification mail's
// answers mean. Opening the page uses nothing: only its "Confirm my address" button sends the
// token, and only the account the link was sent for, signed in, can use it (else 401).
import { fieldErrors, problemMessage, type ApiResult, type Problem, type User } from "./api";
import {
  problemCodeMessage,
  verificationMailSent,
  verificationMailWait,
  verifyLinkRefusals,
  verifyMailUnavailable,
} from "./messages";

/** Where the page's sign-in link leads: `/login`, then back here (the tab kept the token). */
export const verifySignInHref = `/login?redirect_to=${encodeURIComponent("/verify-email")}`;

/** What came of pressing "Confirm my address". */
export type VerifyOutcome =
  | { kind: "confirmed" }
  /** Used, replaced, cut short or expired: the sentence says which. */
  | { kind: "refused"; message: string }
  /** Signed in, but to another account than the link's: nothing was verified. */
  | { kind: "other-account" }
  /** Anything else (the wait on 429, the network): the button stays for another try. */
  | { kind: "error"; message: string };

/** The page's states, in the order they are decided. */
export type VerifyView =
  /** The server's HTML, before the page has read its fragment. */
  | "reading"
  | "confirmed"
  /** No session: the link waits in the tab while the person signs in. */
  | "sign-in"
  /** No usable token in the fragment, and none kept in the tab. */
  | "incomplete"
  | "already-confirmed"
  | "other-account"
  | "refused"
  /** Signed in and unverified, with a token: the button. */
  | "confirm";

export function verifyView(state: {
  /** undefined: not read yet; null: no usable token. */
  token: string | null | undefined;
  user: Pick<User, "email_verified"> | null;
  outcome: VerifyOutcome | null;
}): VerifyView {
  const { token, user, outcome } = state;
  if (token === undefined) return "reading";
  if (outcome?.kind === "confirmed") return "confirmed";
  if (token === null) return user?.email_verified ? "already-confirmed" : "incomplete";
  if (user === null) return "sign-in";
  if (user.email_verified) return "already-confirmed";
  if (outcome?.kind === "other-account") return "other-account";
  if (outcome?.kind === "refused") return "refused";
  return "confirm";
}

/**
 * What a refused `POST /api/auth/email/verify` means. A 401 is either no session any more or a
 * session of another account: `stillSignedIn` (the session asked again after it) tells which.
 * Null: signed out, the page asks for a sign-in again.
 */
export function verifyOutcome(problem: Problem, stillSignedIn: boolean): VerifyOutcome | null {
  if (problem.code === "invalid_link" || problem.code === "link_expired")
    return { kind: "refused", message: verifyLinkRefusals[problem.code] };
  // A token the backend cannot even read (422 on `token`): as good as cut short.
  if (fieldErrors(problem).token)
    return { kind: "refused", message: verifyLinkRefusals.invalid_link };
  if (problem.status === 401) return stillSignedIn ? { kind: "other-account" } : null;
  if (problem.code === "not_found") return { kind: "error", message: verifyMailUnavailable };
  return { kind: "error", message: problemMessage(problem) };
}

/** What the page or the account page says after asking for a new verification mail. */
export type MailNote = { ok: boolean; text: string };

/**
 * The answer to `POST /api/auth/email/verification`, for the account of `email`: sent, the wait
 * on 429, already verified (409: the page then asks for the user again), or mail being off.
 */
export function verificationMailNote(result: ApiResult<unknown>, email: string): MailNote {
  if (result.ok) return { ok: true, text: verificationMailSent(email) };
  const problem = result.problem;
  if (problem.status === 429) return { ok: false, text: verificationMailWait(problem.retryAfter) };
  if (problem.code === "already_verified")
    return { ok: true, text: problemCodeMessage("already_verified") ?? problemMessage(problem) };
  if (problem.code === "not_found") return { ok: false, text: verifyMailUnavailable };
  return { ok: false, text: problemMessage(problem) };
}
