// An account's ways in as the account page shows them: which removal would leave none, how each
// session signed in, and the change that waits while the person confirms it's them.
import type { Provider } from "./api";

/** The password's entry in `User.providers`, where it comes first when the account has one. */
export const passwordMethod = "password";

/** What `Session.method` says for a session a mail's password reset link signed in. */
export const passwordResetMethod = "password_reset";

/** What `Session.method` says for a session created before the method was recorded. */
export const unknownMethod = "unknown";

/** A provider's name for a person, or its id when it is no longer configured. */
export function providerName(id: string, providers: readonly Pick<Provider, "id" | "name">[]) {
  return providers.find((p) => p.id === id)?.name ?? id;
}

/**
 * Whether removing `method` would leave the account no way to sign in. `ways` is
 * `User.providers`: the password when set, then the linked providers that are configured.
 */
export function isLastWayIn(ways: readonly string[], method: string): boolean {
  return ways.includes(method) && ways.every((way) => way === method);
}

/** Why the only way in cannot be removed, and what to do first. */
export function lastWayInReason(method: string, name: string, canLinkAnother: boolean): string {
  if (method === passwordMethod) {
    return canLinkAnother
      ? "Your password is your only way to sign in, so it cannot be removed. Link a provider first."
      : "Your password is your only way to sign in, so it cannot be removed.";
  }
  return canLinkAnother
    ? `${name} is your only way to sign in, so it cannot be unlinked. Set a password or link another provider first.`
    : `${name} is your only way to sign in, so it cannot be unlinked. Set a password first.`;
}

/** How a session signed in, from `Session.method`. */
export function sessionMethodText(
  method: string,
  providers: readonly Pick<Provider, "id" | "name">[],
): string {
  if (method === passwordMethod) return "Signed in with password";
  if (method === passwordResetMethod) return "Signed in by resetting the password";
  if (method === unknownMethod) return "Signed in before this was recorded";
  return `Signed in with ${providerName(method, providers)}`;
}

/**
 * When the session last confirmed it's them, if that was after its sign-in (a minute later at
 * least: the two are written apart by a few milliseconds at sign-in); null otherwise.
 */
export function reconfirmedAt(session: { created_at: string; authenticated_at: string }) {
  const created = Date.parse(session.created_at);
  const confirmed = Date.parse(session.authenticated_at);
  if (Number.isNaN(created) || Number.isNaN(confirmed)) return null;
  return confirmed - created >= 60_000 ? session.authenticated_at : null;
}

/**
 * A change to how the account signs in (its address included), which needs a recent proof that
 * it's them.
 */
export type ProofFor =
  | { kind: "unlink"; provider: string }
  | { kind: "link"; provider: string }
  | { kind: "remove-password" }
  | { kind: "set-password" }
  | { kind: "change-email" };

const providerId = /^[a-z][a-z0-9]{0,31}$/;

/**
 * The change as a URL word: `unlink.google`, `link.discord`, `remove-password`, `set-password`,
 * `change-email`.
 */
export function proofKey(action: ProofFor): string {
  return action.kind === "unlink" || action.kind === "link"
    ? `${action.kind}.${action.provider}`
    : action.kind;
}

/** The change a URL word names, or null for anything else (the page then says it generally). */
export function parseProofKey(value: string | null | undefined): ProofFor | null {
  if (value === "remove-password" || value === "set-password" || value === "change-email")
    return { kind: value };
  const match = /^(unlink|link)\.(.+)$/.exec(value ?? "");
  if (!match || !providerId.test(match[2] ?? "")) return null;
  return { kind: match[1] as "unlink" | "link", provider: match[2] as string };
}

/** Where the link form posts: the backend answers 303 to the provider. */
export function linkAction(provider: string): string {
  return `/api/auth/${provider}/link?redirect_to=/account`;
}

/**
 * Where a provider's "Confirm it's you" form posts. The provider leads back to the account page,
 * whose address names the change, so the page can ask the person to make it again.
 */
export function reauthenticateAction(provider: string, action: ProofFor): string {
  const back = `/account?reauthenticated=${proofKey(action)}`;
  return `/api/auth/${provider}/reauthenticate?redirect_to=${encodeURIComponent(back)}`;
}

/** What the change is, for the dialog's first sentence: "To unlink Google, confirm it's you." */
export function proofPurpose(action: ProofFor, name: (id: string) => string): string {
  switch (action.kind) {
    case "unlink":
      return `To unlink ${name(action.provider)}, confirm it's you.`;
    case "link":
      return `To link ${name(action.provider)}, confirm it's you.`;
    case "remove-password":
      return "To remove your password, confirm it's you.";
    case "set-password":
      return "To set a password, confirm it's you.";
    case "change-email":
      return "To change your address, confirm it's you.";
  }
}

/** After a provider confirmed it's them: what to do again, since the page was left for it. */
export function afterProofNotice(action: ProofFor | null, name: (id: string) => string): string {
  const done = "You confirmed it's you.";
  switch (action?.kind) {
    case "unlink":
      return `${done} Press Unlink beside ${name(action.provider)} again to finish.`;
    case "link":
      return `${done} Press Link ${name(action.provider)} again to finish.`;
    case "remove-password":
      return `${done} Press Remove password again to finish.`;
    case "set-password":
      return `${done} Enter your new password again to finish setting it.`;
    case "change-email":
      return `${done} Press Change email and send the link again to finish.`;
    default:
      return `${done} You can now make the change you started.`;
  }
}
