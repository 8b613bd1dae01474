import { useSyncExternalStore } from "react";
import { webAuthnSupported } from "./webauthn";

const nothingToWatch = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true from then on. Forms
 * that send passwords keep their submit button disabled until then: a submit before it would
 * be the browser's own, without the page's script.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    nothingToWatch,
    () => true,
    () => false,
  );
}

/**
 * Whether this browser has WebAuthn: false in the server's HTML and until React has hydrated the
 * page, so passkey buttons appear only where they can work.
 */
export function useWebAuthn(): boolean {
  return useSyncExternalStore(nothingToWatch, webAuthnSupported, () => false);
}
