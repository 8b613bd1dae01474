// Moving the account to another address by mail. The account page asks for it
// (`PUT /api/auth/email`, which needs a recent proof) and the new address gets a link,
// `/confirm-email#token=…`. Opening that page uses nothing: only its "Confirm the new address"
// button sends the token, and only the account that asked, signed in, can use it (else 401, and
// nothing changes).
import {
  fieldErrors,
  problemMessage,
  type ApiResult,
  type FieldProblem,
  type Problem,
  type User,
} from "./api";
import {
  changeEmailRefusals,
  changeEmailSent,
  changeEmailUnavailable,
  changeLinkRefusals,
  fieldErrorMessage,
  newEmailFieldSentences,
} from "./messages";
import { validateEmail } from "./validation";

/** Where the page's sign-in link leads: `/login`, then back here (the tab kept the token). */
export const confirmEmailSignInHref = `/login?redirect_to=${encodeURIComponent("/confirm-email")}`;

/**
 * The form's own check before it asks: an address, and not the account's own (the backend
 * compares them in lower case, as it stores them). Null: send it.
 */
export function newEmailProblem(value: string, current: string): string | null {
  const address = value.trim();
  if (address === "") return newEmailFieldSentences.required;
  const invalid = validateEmail(address);
  if (invalid !== null) return invalid;
  if (address.toLowerCase() === current.trim().toLowerCase())
    return newEmailFieldSentences.same_as_current;
  return null;
}

/** The sentence beside the new address for a field error the backend gave it. */
export function newEmailFieldMessage(error: Pick<FieldProblem, "code" | "message">): string {
  const own: Readonly<Record<string, string>> = newEmailFieldSentences;
  return Object.hasOwn(own, error.code)
    ? (own[error.code] as string)
    : fieldErrorMessage(error.code, error.message);
}

/** What came of asking for a link to a new address. */
export type ChangeRequestOutcome =
  /** A link is on its way: where, and that nothing changes until it is opened. */
  | { kind: "sent"; text: string }
  /** 403 `reauthentication_required`: "Confirm it's you", then the same request again. */
  | { kind: "proof" }
  /** Said beside the new address: not one, the account's own, or another account's. */
  | { kind: "field"; text: string }
  /** Said above the form (mail off, the wait, the network): the form stays for another try. */
  | { kind: "error"; text: string };

/** The answer to `PUT /api/auth/email` for the new address `email`. */
export function changeRequestOutcome(
  result: ApiResult<unknown>,
  email: string,
): ChangeRequestOutcome {
  if (result.ok) return { kind: "sent", text: changeEmailSent(email) };
  const problem = result.problem;
  if (problem.code === "reauthentication_required") return { kind: "proof" };
  if (problem.code === "email_taken")
    return { kind: "field", text: changeEmailRefusals.email_taken };
  const field = fieldErrors(problem).email;
  if (field) return { kind: "field", text: newEmailFieldMessage(field) };
  if (problem.code === "not_found") return { kind: "error", text: changeEmailRefusals.not_found };
  return { kind: "error", text: problemMessage(problem) };
}

/** What came of pressing "Confirm the new address". */
export type ConfirmOutcome =
  /** The account moved: its address now. */
  | { kind: "changed"; email: string }
  /** Used, replaced, cut short, expired, or the address taken meanwhile: the sentence says which. */
  | { kind: "refused"; message: string }
  /** Signed in, but to another account than the one that asked: nothing changed. */
  | { kind: "other-account" }
  /** Anything else (the wait on 429, the network): the button stays for another try. */
  | { kind: "error"; message: string };

/** The page's states, in the order they are decided. */
export type ConfirmView =
  /** The server's HTML, before the page has read its fragment. */
  | "reading"
  | "changed"
  /** No usable token in the fragment, and none kept in the tab. */
  | "incomplete"
  /** No session: the link waits in the tab while the person signs in. */
  | "sign-in"
  | "other-account"
  | "refused"
  /** Signed in, with a token: the button. */
  | "confirm";

export function confirmView(state: {
  /** undefined: not read yet; null: no usable token. */
  token: string | null | undefined;
  user: Pick<User, "email"> | null;
  outcome: ConfirmOutcome | null;
}): ConfirmView {
  const { token, user, outcome } = state;
  if (token === undefined) return "reading";
  if (outcome?.kind === "changed") return "changed";
  if (user !== null && outcome?.kind === "refused") return "refused";
  if (token === null) return "incomplete";
  if (user === null) return "sign-in";
  if (outcome?.kind === "other-account") return "other-account";
  return "confirm";
}

/**
 * What a refused `POST /api/auth/email/confirm` means. A 401 is either no session any more or a
 * session of another account: `stillSignedIn` (the session asked again after it) tells which.
 * Null: signed out, the page asks for a sign-in again.
 */
export function confirmOutcome(problem: Problem, stillSignedIn: boolean): ConfirmOutcome | null {
  if (
    problem.code === "invalid_link" ||
    problem.code === "link_expired" ||
    problem.code === "email_taken"
  )
    return { kind: "refused", message: changeLinkRefusals[problem.code] };
  // A token the backend cannot even read (422 on `token`): as good as cut short.
  if (fieldErrors(problem).token)
    return { kind: "refused", message: changeLinkRefusals.invalid_link };
  if (problem.status === 401) return stillSignedIn ? { kind: "other-account" } : null;
  if (problem.code === "not_found") return { kind: "error", message: changeEmailUnavailable };
  return { kind: "error", message: problemMessage(problem) };
}
