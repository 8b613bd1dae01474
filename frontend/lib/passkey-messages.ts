// What a person reads when a passkey ceremony does not finish, in each task's words: signing
// in, adding a passkey, confirming it's them. The problem codes' own sentences (used where a
// task has none of its own) are in messages.ts.

/** What a passkey ceremony is for: the page's words differ for each. */
export type PasskeyTask = "sign-in" | "add" | "confirm";

/** What is said after each task's failure: what did not happen, then what to do instead. */
const passkeyOutcome: Readonly<Record<PasskeyTask, { nothing: string; instead: string }>> = {
  "sign-in": { nothing: "No passkey was used", instead: "Try again, or sign in another way." },
  add: { nothing: "No passkey was added", instead: "You can try again." },
  confirm: {
    nothing: "No passkey was used",
    instead: "Try again, or confirm it's you another way.",
  },
};

/**
 * The browser refused or stopped a passkey ceremony, by the DOMException's name. An AbortError
 * the page caused itself (it stops the autofill's request to start the button's) says nothing:
 * the caller leaves it out.
 */
export function passkeyBrowserError(name: string, task: PasskeyTask): string {
  const { nothing, instead } = passkeyOutcome[task];
  switch (name) {
    // Cancelled, timed out, no passkey for this site on the device, or the browser said no.
    case "NotAllowedError":
      return `${nothing}: the request was cancelled, timed out or not allowed. ${instead}`;
    case "AbortError":
      return `${nothing}: the request was stopped before it finished. ${instead}`;
    case "SecurityError":
      return "Passkeys cannot be used at this address. Open the site at its usual address and try again.";
    // At registration: the account's own passkeys are excluded, and this device holds one.
    case "InvalidStateError":
      if (task === "add")
        return "This device already has a passkey for your account, so nothing was added. To add another, use another device or password manager.";
      break;
    case "NotSupportedError":
    case "ConstraintError":
      if (task === "add")
        return "This device cannot keep a passkey that unlocks with your fingerprint, face, PIN or screen lock, which this site needs. Try another device or password manager.";
      break;
  }
  return `${nothing}: your browser could not finish the request. ${instead}`;
}

/** A passkey refused by the backend, for the tasks whose words are not the sign-in's. */
export const passkeyRefusals: Readonly<Record<Exclude<PasskeyTask, "sign-in">, string>> = {
  // 400 at registration: the answer failed a check, or the passkey is not discoverable.
  add: "Your device's passkey was not accepted: this site needs one that signs you in without typing your address. Try another device or password manager.",
  confirm:
    "That passkey was not accepted: use one of this account's passkeys, or confirm it's you another way.",
};

/** `…/start` answered 404: passkeys are off here, or (to confirm it's you) the account has none. */
export const passkeysUnavailable: Readonly<Record<PasskeyTask, string>> = {
  "sign-in": "Signing in with a passkey is not available here. Sign in another way.",
  add: "Adding a passkey is not available here.",
  confirm: "This account has no passkey to confirm it's you with. Confirm it another way.",
};
