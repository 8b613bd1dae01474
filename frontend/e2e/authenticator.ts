// Chromium's virtual authenticators (the DevTools protocol's WebAuthn domain), standing in for a
// person's phone, laptop or password manager. While the domain is on, only virtual authenticators
// answer; with none attached the browser says it cannot offer passkeys in autofill
// (`isConditionalMediationAvailable()` is false) and a dialog's request waits until it times out.
// An attached one with a passkey for the site answers an autofill request by itself, as if the
// person had picked it: tests attach one only where that is wanted.
import type { CDPSession, Page } from "@playwright/test";

/** A platform authenticator that verifies the person (fingerprint, face, screen lock). */
export const deviceOptions = {
  protocol: "ctap2",
  transport: "internal",
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

async function credentialsOf(cdp: CDPSession, authenticatorId: string) {
  return (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
}

/** A passkey as the authenticator keeps it (its private key too): copied to another one. */
export type StoredPasskey = Awaited<ReturnType<typeof credentialsOf>>[number];

type Options = {
  /** False: the person is not verified, and the authenticator refuses every request. */
  isUserVerified?: boolean;
  /** A passkey synced by a password manager (`backed_up`) rather than kept on one device. */
  synced?: boolean;
};

/** The page's WebAuthn domain: attach and detach authenticators, read their passkeys. */
export async function webAuthn(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  return {
    /** Attaches an authenticator holding `passkeys`; its id. */
    async attach(options: Options = {}, passkeys: StoredPasskey[] = []): Promise<string> {
      const { isUserVerified = true, synced = false } = options;
      const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: {
          ...deviceOptions,
          isUserVerified,
          defaultBackupEligibility: synced,
          defaultBackupState: synced,
        },
      });
      for (const credential of passkeys)
        await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
      return authenticatorId;
    },
    passkeys: (authenticatorId: string) => credentialsOf(cdp, authenticatorId),
    async detach(authenticatorId: string) {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
    },
    /** Hands the page back to the browser's own passkeys (none, headless): autofill is offered
     * again, and its requests wait for a person. */
    async off() {
      await cdp.send("WebAuthn.disable");
    },
    async on() {
      await cdp.send("WebAuthn.enable");
    },
  };
}

/**
 * Counts the page's autofill requests (`navigator.credentials.get` with conditional mediation),
 * from its next load on: a test waits for one before attaching an authenticator, which would
 * otherwise answer it. Returns a reader of the count.
 */
export async function countAutofillRequests(page: Page) {
  await page.addInitScript(() => {
    const counted = window as unknown as { autofillRequests: number };
    counted.autofillRequests = 0;
    const get = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options) => {
      if (options?.mediation === "conditional") counted.autofillRequests += 1;
      return get(options);
    };
  });
  return () =>
    page.evaluate(() => (window as unknown as { autofillRequests?: number }).autofillRequests ?? 0);
}
