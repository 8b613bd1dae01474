import { useSyncExternalStore } from "react";
import { webAuthnSupported } from "./webauthn";

const nothingToWatch = () => () => {};

/**
 * Whether this browser has WebAuthn: false in the server's HTML and until React has hydrated the
 * page, so passkey buttons appear only where they can work.
 */
export function useWebAuthn(): boolean {
  return useSyncExternalStore(nothingToWatch, webAuthnSupported, () => false);
}
