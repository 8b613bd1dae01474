// The browser's side of a passkey ceremony: whether it can hold one, the options a `…/start`
// sends (WebAuthn's JSON, binary fields in base64url) turned into what
// `navigator.credentials` takes, and its answer turned back into JSON for the `…/finish`.
// Browsers that have `PublicKeyCredential.parse…FromJSON` and `toJSON()` do it themselves; the
// rest get the same encoding done here.

/** WebAuthn's JSON form of a credential (`PublicKeyCredential.toJSON()`), as a `…/finish` takes it. */
export type CredentialJSON = Record<string, unknown>;

/** Whether this browser has WebAuthn at all; false on the server. */
export function webAuthnSupported(): boolean {
  return (
    typeof window !== "undefined" &&
    typeof window.PublicKeyCredential === "function" &&
    typeof navigator.credentials?.get === "function"
  );
}

/** Whether the browser offers passkeys in a field's autofill (a conditional request). */
export async function conditionalMediationAvailable(): Promise<boolean> {
  if (!webAuthnSupported()) return false;
  const check = PublicKeyCredential.isConditionalMediationAvailable as
    (() => Promise<boolean>) | undefined;
  if (typeof check !== "function") return false;
  try {
    return await check.call(PublicKeyCredential);
  } catch {
    return false;
  }
}

export function toBase64Url(data: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url, padded or not; throws a TypeError on anything else, as the browser does. */
export function fromBase64Url(text: string): ArrayBuffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, "").length % 4 === 1)
    throw new TypeError("Not base64url");
  const base64 = text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

type Descriptor = { id: string; type: string; transports?: string[] };

function descriptors(list: Descriptor[] | undefined) {
  return list?.map((d) => ({ ...d, id: fromBase64Url(d.id) })) as
    PublicKeyCredentialDescriptor[] | undefined;
}

/** The fallback of `PublicKeyCredential.parseCreationOptionsFromJSON`. */
export function decodeCreationOptions(
  json: PublicKeyCredentialCreationOptionsJSON,
): PublicKeyCredentialCreationOptions {
  const { challenge, user, excludeCredentials, ...rest } = json;
  return {
    ...(rest as Omit<PublicKeyCredentialCreationOptions, "challenge" | "user">),
    challenge: fromBase64Url(challenge),
    user: { ...user, id: fromBase64Url(user.id) },
    ...(excludeCredentials ? { excludeCredentials: descriptors(excludeCredentials) } : {}),
  };
}

/** The fallback of `PublicKeyCredential.parseRequestOptionsFromJSON`. */
export function decodeRequestOptions(
  json: PublicKeyCredentialRequestOptionsJSON,
): PublicKeyCredentialRequestOptions {
  const { challenge, allowCredentials, ...rest } = json;
  return {
    ...(rest as Omit<PublicKeyCredentialRequestOptions, "challenge">),
    challenge: fromBase64Url(challenge),
    ...(allowCredentials ? { allowCredentials: descriptors(allowCredentials) } : {}),
  };
}

/** A `…/start`'s `publicKey`, for `navigator.credentials.create`. */
export function creationOptions(json: unknown): PublicKeyCredentialCreationOptions {
  const options = json as PublicKeyCredentialCreationOptionsJSON;
  const parse = globalThis.PublicKeyCredential?.parseCreationOptionsFromJSON;
  return typeof parse === "function"
    ? parse.call(PublicKeyCredential, options)
    : decodeCreationOptions(options);
}

/** A `…/start`'s `publicKey`, for `navigator.credentials.get`. */
export function requestOptions(json: unknown): PublicKeyCredentialRequestOptions {
  const options = json as PublicKeyCredentialRequestOptionsJSON;
  const parse = globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON;
  return typeof parse === "function"
    ? parse.call(PublicKeyCredential, options)
    : decodeRequestOptions(options);
}

type MaybeAttestation = AuthenticatorResponse & {
  attestationObject?: ArrayBuffer;
  authenticatorData?: ArrayBuffer;
  signature?: ArrayBuffer;
  userHandle?: ArrayBuffer | null;
  getTransports?: () => string[];
  getAuthenticatorData?: () => ArrayBuffer;
  getPublicKey?: () => ArrayBuffer | null;
  getPublicKeyAlgorithm?: () => number;
};

/** The browser's answer as JSON: its own `toJSON()`, or the same fields encoded here. */
export function credentialJSON(credential: PublicKeyCredential): CredentialJSON {
  if (typeof credential.toJSON === "function") return credential.toJSON() as CredentialJSON;
  const r = credential.response as MaybeAttestation;
  const common = {
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
  if (r.attestationObject) {
    const publicKey = r.getPublicKey?.();
    return {
      ...common,
      response: {
        clientDataJSON: toBase64Url(r.clientDataJSON),
        attestationObject: toBase64Url(r.attestationObject),
        authenticatorData: r.getAuthenticatorData
          ? toBase64Url(r.getAuthenticatorData())
          : undefined,
        transports: r.getTransports?.() ?? [],
        publicKey: publicKey ? toBase64Url(publicKey) : undefined,
        publicKeyAlgorithm: r.getPublicKeyAlgorithm?.(),
      },
    };
  }
  return {
    ...common,
    response: {
      clientDataJSON: toBase64Url(r.clientDataJSON),
      authenticatorData: toBase64Url(r.authenticatorData ?? new ArrayBuffer(0)),
      signature: toBase64Url(r.signature ?? new ArrayBuffer(0)),
      userHandle: r.userHandle ? toBase64Url(r.userHandle) : null,
    },
  };
}

/** The name of what the browser threw (a DOMException's, or "TypeError" for bad options). */
export function browserErrorName(error: unknown): string {
  if (error instanceof Error || error instanceof DOMException) return error.name;
  return "UnknownError";
}
