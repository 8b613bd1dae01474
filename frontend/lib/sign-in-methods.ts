// An account's ways in as the account page shows them: which removal would leave none, how each
// session signed in, and the change that waits while the person confirms it's them.
import type { Provider } from "./api";

/** The password's entry in `User.providers`, where it comes first when the account has one. */
export const passwordMethod = "password";

/** Passkeys' entry in `User.providers` (one for all of them) and a session's `method`. */
export const passkeyMethod = "passkey";

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
 * `User.providers`: the password when set, the linked providers that are configured, and
 * `passkey` when it has one (the last passkey is the last way in only when it is alone).
 */
export function isLastWayIn(ways: readonly string[], method: string): boolean {
  return ways.includes(method) && ways.every((way) => way === method);
}

/** What the account page offers beside the last way in, to add first. */
export type OtherWays = { canLinkAnother: boolean; canAddPasskey: boolean };

/** " Set a password, link a provider or add a passkey first.", from the steps that apply. */
function firstSteps(steps: (string | false)[]): string {
  const list = steps.filter((step): step is string => step !== false);
  const last = list.pop();
  if (last === undefined) return "";
  const said = list.length > 0 ? `${list.join(", ")} or ${last}` : last;
  return ` ${said.charAt(0).toUpperCase()}${said.slice(1)} first.`;
}

/** Why the only way in cannot be removed, and what to do first. */
export function lastWayInReason(method: string, name: string, others: OtherWays): string {
  const { canLinkAnother, canAddPasskey } = others;
  if (method === passwordMethod) {
    return `Your password is your only way to sign in, so it cannot be removed.${firstSteps([
      canLinkAnother && "link a provider",
      canAddPasskey && "add a passkey",
    ])}`;
  }
  if (method === passkeyMethod) {
    return `This passkey is your only way to sign in, so it cannot be removed.${firstSteps([
      "set a password",
      canLinkAnother && "link a provider",
      canAddPasskey && "add another passkey",
    ])}`;
  }
  return `${name} is your only way to sign in, so it cannot be unlinked.${firstSteps([
    "set a password",
    canLinkAnother && "link another provider",
    canAddPasskey && "add a passkey",
  ])}`;
}

/** How a session signed in, from `Session.method`. */
export function sessionMethodText(
  method: string,
  providers: readonly Pick<Provider, "id" | "name">[],
): string {
  if (method === passwordMethod) return "Signed in with password";
  if (method === passwordResetMethod) return "Signed in by resetting the password";
  if (method === passkeyMethod) return "Signed in with a passkey";
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
  | { kind: "change-email" }
  | { kind: "add-passkey" }
  /** `name` is said in the dialog; a provider's return address does not carry it. */
  | { kind: "remove-passkey"; name?: string };

const providerId = /^[a-z][a-z0-9]{0,31}$/;

/**
 * The change as a URL word: `unlink.google`, `link.discord`, `remove-password`, `set-password`,
 * `change-email`, `add-passkey`, `remove-passkey`.
 */
export function proofKey(action: ProofFor): string {
  return action.kind === "unlink" || action.kind === "link"
    ? `${action.kind}.${action.provider}`
    : action.kind;
}

/** The change a URL word names, or null for anything else (the page then says it generally). */
export function parseProofKey(value: string | null | undefined): ProofFor | null {
  if (
    value === "remove-password" ||
    value === "set-password" ||
    value === "change-email" ||
    value === "add-passkey" ||
    value === "remove-passkey"
  )
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
    case "add-passkey":
      return "To add a passkey, confirm it's you.";
    case "remove-passkey":
      return action.name
        ? `To remove the passkey “${action.name}”, confirm it's you.`
        : "To remove a passkey, confirm it's you.";
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
    case "add-passkey":
      return `${done} Press Add a passkey again to finish.`;
    case "remove-passkey":
      return `${done} Press Remove beside the passkey again to finish.`;
    default:
      return `${done} You can now make the change you started.`;
  }
}
