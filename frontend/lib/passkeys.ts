// Passkey ceremonies with the backend: each asks a `…/start` for options, lets the browser make
// or use a passkey with them, and sends its answer to the `…/finish` with the sealed ceremony.
// Then what a failure means for the person, the name check, and how a passkey is described.
import {
  api,
  call,
  type ApiClient,
  problemMessage,
  type ApiResult,
  type FieldProblem,
  type Passkey,
  type Problem,
  type User,
} from "./api";
import { displayNameProblem, isVisible, trimWhiteSpace } from "./display-name";
import { fieldErrorMessage } from "./messages";
import {
  passkeyBrowserError,
  passkeyRefusals,
  passkeysUnavailable,
  type PasskeyTask,
} from "./passkey-messages";
import {
  browserErrorName,
  creationOptions,
  credentialJSON,
  requestOptions,
  type CredentialJSON,
} from "./webauthn";

export type { PasskeyTask };

/** Why a ceremony did not finish. */
export type PasskeyFailure =
  /** The backend refused a step: its `…/start`, or its `…/finish` once a passkey was used. */
  | { kind: "problem"; problem: Problem; step: "start" | "finish" }
  /** The browser refused or stopped it: the DOMException's name. */
  | { kind: "browser"; name: string }
  /** The page stopped it itself (its signal), to start another or because it was left. */
  | { kind: "aborted" };

export type PasskeyResult<T> = { ok: true; data: T } | { ok: false; failure: PasskeyFailure };

type Started = { ceremony: string; publicKey: unknown };

const aborted = { ok: false, failure: { kind: "aborted" } } as const;
const refused = (problem: Problem, step: "start" | "finish") =>
  ({ ok: false, failure: { kind: "problem", problem, step } }) as const;

type Steps<T> = {
  start: () => Promise<ApiResult<Started>>;
  ask: (publicKey: unknown) => Promise<Credential | null>;
  finish: (ceremony: string, credential: CredentialJSON) => Promise<ApiResult<T>>;
  signal?: AbortSignal;
  /** The person picked a passkey: only the `…/finish` is left. */
  onChosen?: () => void;
};

async function ceremony<T>(steps: Steps<T>): Promise<PasskeyResult<T>> {
  const { start, ask, finish, signal, onChosen } = steps;
  const started = await start();
  if (signal?.aborted) return aborted;
  if (!started.ok) return refused(started.problem, "start");
  let credential: CredentialJSON;
  try {
    const answer = await ask(started.data.publicKey);
    // A browser that resolves with nothing has had nothing chosen.
    if (answer === null)
      return { ok: false, failure: { kind: "browser", name: "NotAllowedError" } };
    credential = credentialJSON(answer as PublicKeyCredential);
  } catch (error) {
    if (signal?.aborted) return aborted;
    return { ok: false, failure: { kind: "browser", name: browserErrorName(error) } };
  }
  onChosen?.();
  const finished = await finish(started.data.ceremony, credential);
  return finished.ok ? finished : refused(finished.problem, "finish");
}

export type SignInOptions = {
  /** From the email field's autofill, pending until a passkey is picked or `signal` stops it. */
  conditional?: boolean;
  signal?: AbortSignal;
  onChosen?: () => void;
  /** The API client; tests give their own. */
  client?: ApiClient;
};

/** Signs in with a passkey the person picks, in the field's autofill or the browser's dialog. */
export function passkeySignIn(options: SignInOptions = {}) {
  const { conditional = false, signal, onChosen, client = api } = options;
  return ceremony({
    start: () => call(client.POST("/api/auth/passkeys/login/start", { signal })),
    ask: (publicKey) =>
      navigator.credentials.get({
        publicKey: requestOptions(publicKey),
        signal,
        ...(conditional ? { mediation: "conditional" as CredentialMediationRequirement } : {}),
      }),
    finish: (started, credential) =>
      call(
        client.POST("/api/auth/passkeys/login/finish", {
          body: { ceremony: started, credential },
        }),
      ),
    signal,
    onChosen,
  });
}

/** Confirms it's them with one of the account's passkeys: a fresh proof on this session. */
export function passkeyConfirm(client: ApiClient = api): Promise<PasskeyResult<unknown>> {
  return ceremony({
    start: () => call(client.POST("/api/auth/passkeys/reauthenticate/start")),
    ask: (publicKey) => navigator.credentials.get({ publicKey: requestOptions(publicKey) }),
    finish: (started, credential) =>
      call(
        client.POST("/api/auth/passkeys/reauthenticate/finish", {
          body: { ceremony: started, credential },
        }),
      ),
  });
}

/** Adds a passkey made by this device or password manager; an empty name is the server's. */
export function passkeyAdd(name: string, client: ApiClient = api): Promise<PasskeyResult<Passkey>> {
  const given = trimWhiteSpace(name);
  return ceremony({
    start: () => call(client.POST("/api/auth/passkeys/register/start")),
    ask: (publicKey) => navigator.credentials.create({ publicKey: creationOptions(publicKey) }),
    finish: (started, credential) =>
      call(
        client.POST("/api/auth/passkeys/register/finish", {
          body: { ceremony: started, credential, ...(given === "" ? {} : { name: given }) },
        }),
      ),
  });
}

/** The sentence for a ceremony that did not finish; null when the page stopped it itself. */
export function passkeyFailureMessage(failure: PasskeyFailure, task: PasskeyTask): string | null {
  switch (failure.kind) {
    case "aborted":
      return null;
    case "browser":
      return passkeyBrowserError(failure.name, task);
    case "problem": {
      const problem = failure.problem;
      if (problem.code === "passkey_rejected" && task !== "sign-in") return passkeyRefusals[task];
      if (problem.code === "not_found") return passkeysUnavailable[task];
      return problemMessage(problem);
    }
  }
}

/** The user a passkey sign-in signed in, out of its answer. */
export function signedInUser(result: PasskeyResult<{ user: User }>): PasskeyResult<User> {
  return result.ok ? { ok: true, data: result.data.user } : result;
}

/** At most this many characters, under the rules of a person's name. */
export const maxPasskeyNameLength = 64;

/**
 * What is wrong with a passkey's name as the backend would judge it, or null. `required`: a
 * rename needs one; when adding, an empty name lets the server name it after the browser.
 */
export function passkeyNameProblem(value: string, required: boolean): string | null {
  const name = trimWhiteSpace(value);
  if (name === "") return required ? "Enter a name for the passkey." : null;
  const length = Array.from(name).length;
  if (length > maxPasskeyNameLength)
    return `Shorten the name to at most ${maxPasskeyNameLength} characters (it has ${length}).`;
  if (displayNameProblem(name) === null) return null;
  return Array.from(name).some(isVisible)
    ? "Remove invisible or control characters from the name."
    : "The name needs at least one letter, digit or other visible character.";
}

/** The sentence beside the name for a field error the backend gave it. */
export function passkeyNameFieldMessage(error: Pick<FieldProblem, "code" | "message">): string {
  switch (error.code) {
    case "required":
      return "Enter a name for the passkey.";
    case "too_long":
      return `Shorten the name to at most ${maxPasskeyNameLength} characters.`;
    case "invalid_characters":
      return "Remove invisible or control characters from the name.";
    default:
      return fieldErrorMessage(error.code, error.message);
  }
}

/** Where the passkey lives: synced by a password manager or platform, or on one device. */
export function passkeyStorage(passkey: Pick<Passkey, "backed_up">): string {
  return passkey.backed_up ? "Synced" : "This device only";
}
