// Plain sentences for the codes the backend puts in redirects and validation errors.

/** A message as a full sentence: the server's texts may come without the closing stop. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return trimmed;
  return /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const oauthErrors: Record<string, string> = {
  access_denied: "Sign-in was cancelled at the provider. You can try again.",
  invalid_state: "That sign-in link expired or was already used. Please start again.",
  provider_error: "The provider did not answer as expected. Please try again.",
  email_not_verified:
    "The provider has not verified that email address, so it cannot be used to sign in to an existing account.",
  unavailable: "Sign-in cannot be completed right now. Please try again in a moment.",
  session_expired: "Your session ended before the provider answered. Sign in and try again.",
  already_linked: "That provider account is already linked to another user.",
};

/**
 * Why the login page is shown, when it is not the person's own idea: their session ended
 * (revoked from another device, or expired), or they opened a page that needs a sign-in.
 */
export function signInNotice(why: { ended: boolean; protectedPage: boolean }): string | null {
  if (why.ended) return "You were signed out. Sign in again to continue.";
  if (why.protectedPage) return "Sign in to see your account.";
  return null;
}

/** A sentence for an OAuth failure code from `?error=`; unknown codes get a generic one. */
export function oauthErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  return oauthErrors[code] ?? "Something went wrong with the provider. Please try again.";
}

const fieldCodes: Record<string, string> = {
  required: "This field is required.",
  invalid_email: "Enter a valid email address.",
  invalid_characters: "Remove invisible or control characters.",
  too_short: "This is too short.",
  too_long: "This is too long.",
  too_common: "This password is too common. Choose something less guessable.",
  contains_email: "The password must not be your email address.",
  incorrect: "The current password is incorrect.",
  // The registration form follows it with a "Sign in instead" link.
  email_taken: "An account with this email already exists.",
};

/** A sentence for a field error code; the server's own message when the code is unknown. */
export function fieldErrorMessage(code: string, serverMessage?: string): string {
  const fromServer = serverMessage ? asSentence(serverMessage) : undefined;
  return fieldCodes[code] ?? fromServer ?? "This value is not accepted.";
}

// Problems whose server detail is written for a developer: the page says what a person can do.
const problemCodes: Record<string, string> = {
  csrf_rejected:
    "This page was opened from an address this service does not accept. Open the site at its usual address and try again.",
};

/** A sentence for a problem code when the page has its own; undefined otherwise. */
export function problemCodeMessage(code: string): string | undefined {
  return Object.hasOwn(problemCodes, code) ? problemCodes[code] : undefined;
}
