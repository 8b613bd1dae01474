import { afterEach, describe, expect, test } from "bun:test";
import {
  browserErrorName,
  conditionalMediationAvailable,
  creationOptions,
  credentialJSON,
  decodeCreationOptions,
  decodeRequestOptions,
  fromBase64Url,
  requestOptions,
  toBase64Url,
  webAuthnSupported,
} from "@/lib/webauthn";

const bytes = (buffer: ArrayBuffer | BufferSource | undefined) =>
  Array.from(new Uint8Array(buffer as ArrayBuffer));
const global = globalThis as unknown as { PublicKeyCredential?: unknown };

afterEach(() => {
  delete global.PublicKeyCredential;
});

describe("base64url", () => {
  test("encodes without padding, with the URL alphabet", () => {
    expect(toBase64Url(new Uint8Array([]))).toBe("");
    expect(toBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
    expect(toBase64Url(new TextEncoder().encode("passkey"))).toBe("cGFzc2tleQ");
    // A view of part of a buffer encodes only that part.
    expect(toBase64Url(new Uint8Array([1, 2, 3, 4]).subarray(1, 3))).toBe("AgM");
  });
  test("decodes what it encodes, at every length, padded or not", () => {
    for (let n = 0; n < 40; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256);
      const text = toBase64Url(data);
      expect(bytes(fromBase64Url(text))).toEqual(Array.from(data));
      expect(bytes(fromBase64Url(text.padEnd(Math.ceil(text.length / 4) * 4, "=")))).toEqual(
        Array.from(data),
      );
    }
  });
  test("refuses what is not base64url, as the browser's parser does", () => {
    for (const bad of ["a+b", "a/b", "abc$", "A", "ab=c", " YQ"])
      expect(() => fromBase64Url(bad)).toThrow(TypeError);
  });
});

const creation = {
  rp: { id: "localhost", name: "Yoshikosan" },
  user: { id: "AQID", name: "ada@example.com", displayName: "Ada" },
  challenge: "BAUG",
  pubKeyCredParams: [{ type: "public-key" as const, alg: -7 }],
  timeout: 300000,
  excludeCredentials: [{ id: "BwgJ", type: "public-key" as const, transports: ["internal"] }],
  authenticatorSelection: { residentKey: "required", userVerification: "required" },
  extensions: { credProps: true },
} as PublicKeyCredentialCreationOptionsJSON;

const request = {
  challenge: "CgsM",
  rpId: "localhost",
  userVerification: "required",
  allowCredentials: [{ id: "DQ4P", type: "public-key" as const }],
} as PublicKeyCredentialRequestOptionsJSON;

describe("the options a start sends, without the browser's own parser", () => {
  test("registration: the challenge, the user handle and excluded ids become bytes", () => {
    const options = decodeCreationOptions(creation);
    expect(bytes(options.challenge)).toEqual([4, 5, 6]);
    expect(bytes(options.user.id)).toEqual([1, 2, 3]);
    expect(bytes(options.excludeCredentials?.[0]?.id)).toEqual([7, 8, 9]);
    expect(options.excludeCredentials?.[0]?.transports).toEqual(["internal"]);
    expect(options.user.name).toBe("ada@example.com");
    expect(options.rp).toEqual({ id: "localhost", name: "Yoshikosan" });
    expect(options.authenticatorSelection).toEqual(creation.authenticatorSelection!);
    expect(options.extensions).toEqual({ credProps: true });
  });
  test("sign-in: the challenge and allowed ids become bytes; none listed stays none", () => {
    const options = decodeRequestOptions(request);
    expect(bytes(options.challenge)).toEqual([10, 11, 12]);
    expect(bytes(options.allowCredentials?.[0]?.id)).toEqual([13, 14, 15]);
    expect(options.userVerification).toBe("required");
    const discoverable = { ...request, allowCredentials: undefined };
    expect("allowCredentials" in decodeRequestOptions(discoverable)).toBe(false);
  });
  test("used when the browser has no parser of its own", () => {
    expect(bytes(creationOptions(creation).challenge)).toEqual([4, 5, 6]);
    expect(bytes(requestOptions(request).challenge)).toEqual([10, 11, 12]);
  });
  test("the browser's own parser is preferred", () => {
    const seen: unknown[] = [];
    global.PublicKeyCredential = {
      parseCreationOptionsFromJSON: (json: unknown) => (seen.push(json), { parsed: "creation" }),
      parseRequestOptionsFromJSON: (json: unknown) => (seen.push(json), { parsed: "request" }),
    };
    expect(creationOptions(creation)).toEqual({ parsed: "creation" } as never);
    expect(requestOptions(request)).toEqual({ parsed: "request" } as never);
    expect(seen).toEqual([creation, request]);
  });
});

const buffer = (...values: number[]) => new Uint8Array(values).buffer;

describe("the browser's answer as JSON", () => {
  test("its own toJSON() when it has one", () => {
    const credential = { toJSON: () => ({ id: "own" }) } as unknown as PublicKeyCredential;
    expect(credentialJSON(credential)).toEqual({ id: "own" });
  });
  test("a new passkey, encoded here", () => {
    const credential = {
      id: "AQI",
      rawId: buffer(1, 2),
      type: "public-key",
      authenticatorAttachment: "platform",
      getClientExtensionResults: () => ({ credProps: { rk: true } }),
      response: {
        clientDataJSON: buffer(3),
        attestationObject: buffer(4),
        getAuthenticatorData: () => buffer(5),
        getTransports: () => ["internal"],
        getPublicKey: () => buffer(6),
        getPublicKeyAlgorithm: () => -7,
      },
    } as unknown as PublicKeyCredential;
    expect(JSON.parse(JSON.stringify(credentialJSON(credential)))).toEqual({
      id: "AQI",
      rawId: "AQI",
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: { credProps: { rk: true } },
      response: {
        clientDataJSON: "Aw",
        attestationObject: "BA",
        authenticatorData: "BQ",
        transports: ["internal"],
        publicKey: "Bg",
        publicKeyAlgorithm: -7,
      },
    });
  });
  test("a signature, encoded here; no user handle is null", () => {
    const answer = (userHandle: ArrayBuffer | null) =>
      credentialJSON({
        id: "Bw",
        rawId: buffer(7),
        type: "public-key",
        authenticatorAttachment: null,
        getClientExtensionResults: () => ({}),
        response: {
          clientDataJSON: buffer(8),
          authenticatorData: buffer(9),
          signature: buffer(10),
          userHandle,
        },
      } as unknown as PublicKeyCredential);
    expect(answer(buffer(11)).response).toEqual({
      clientDataJSON: "CA",
      authenticatorData: "CQ",
      signature: "Cg",
      userHandle: "Cw",
    });
    expect((answer(null).response as { userHandle: unknown }).userHandle).toBeNull();
    expect(JSON.parse(JSON.stringify(answer(null)))).not.toHaveProperty("authenticatorAttachment");
  });
});

describe("what the browser can do and what it threw", () => {
  test("no WebAuthn outside a browser", async () => {
    expect(webAuthnSupported()).toBe(false);
    expect(await conditionalMediationAvailable()).toBe(false);
  });
  test("a DOMException by its name; anything else is unknown", () => {
    expect(browserErrorName(new DOMException("x", "NotAllowedError"))).toBe("NotAllowedError");
    expect(browserErrorName(new DOMException("x", "InvalidStateError"))).toBe("InvalidStateError");
    expect(browserErrorName(new TypeError("bad options"))).toBe("TypeError");
    expect(browserErrorName("a string")).toBe("UnknownError");
  });
});
