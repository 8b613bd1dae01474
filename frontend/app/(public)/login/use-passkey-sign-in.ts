"use client";
import { useCallback, useEffect, useEffectEvent, useRef, useState } from "react";
import { useAuth } from "@/lib/auth-context";
import { passkeyFailureMessage, type PasskeyFailure } from "@/lib/passkeys";
import { useWebAuthn } from "@/lib/use-hydrated";
import { conditionalMediationAvailable } from "@/lib/webauthn";

/** A ceremony lives 5 minutes on the server: the autofill's is replaced a minute before. */
const ceremonyLifetime = 4 * 60_000;
/**
 * The autofill's request comes back after a failure only a few times in a row (after a pause
 * when the browser refused it): an authenticator that answers by itself, with a refusal or a
 * passkey the server no longer knows, would otherwise be asked again and again. The button
 * starts the count again.
 */
const pauseAfterCancel = 1_000;
const failuresInARow = 3;

export type PasskeyPhase =
  /** Nothing under way but the autofill's request, if the browser has one. */
  | "idle"
  /** The button's request: the browser's own dialog is open. */
  | "asking"
  /** A passkey was picked (in the dialog or the autofill): the sign-in is being finished. */
  | "finishing";

type Options = {
  /** The backend says passkeys work here. */
  enabled: boolean;
  onSignedIn: () => void;
  /** A sentence to show, or null to clear the last one. */
  onError: (text: string | null) => void;
};

/**
 * Passkey sign-in on the login page: a conditional request from the moment the page is usable,
 * so the browser offers the person's passkeys in the email field's autofill, and `start()` for
 * the "Sign in with a passkey" button, which stops that request first (a browser runs one at a
 * time) and starts it again after the button's ends without a sign-in.
 */
export function usePasskeySignIn({ enabled, onSignedIn, onError }: Options) {
  const { signInWithPasskey } = useAuth();
  const webAuthn = useWebAuthn();
  const [phase, setPhase] = useState<PasskeyPhase>("idle");
  // Counts the autofill's requests: each change starts a new one.
  const [round, setRound] = useState(0);
  const autofill = useRef<{ controller: AbortController; settled: Promise<void> } | null>(null);
  const button = useRef<AbortController | null>(null);
  const failures = useRef(0);
  const offered = enabled && webAuthn;

  const signedIn = useEffectEvent(onSignedIn);
  const failed = useEffectEvent((failure: PasskeyFailure) => {
    // The browser's refusals of a request nobody asked for say nothing: the person may never
    // have looked at the field. A passkey picked and refused by the server is another matter.
    if (failure.kind === "aborted") return;
    failures.current += 1;
    const again = failures.current < failuresInARow;
    if (failure.kind === "browser") {
      if (failure.name === "NotAllowedError" && again)
        setTimeout(() => setRound((n) => n + 1), pauseAfterCancel);
      return;
    }
    if (failure.step === "finish") {
      onError(passkeyFailureMessage(failure, "sign-in"));
      if (again) setRound((n) => n + 1);
    }
  });

  useEffect(() => {
    // While the button's request runs there is none for the autofill: it comes back after.
    if (!offered || button.current !== null) return;
    const controller = new AbortController();
    const renew = setTimeout(() => {
      if (controller.signal.aborted) return;
      controller.abort();
      setRound((n) => n + 1);
    }, ceremonyLifetime);
    const settled = (async () => {
      if (!(await conditionalMediationAvailable()) || controller.signal.aborted) return;
      const result = await signInWithPasskey({
        conditional: true,
        signal: controller.signal,
        onChosen: () => {
          clearTimeout(renew);
          setPhase("finishing");
        },
      });
      if (result.ok) {
        signedIn();
        return;
      }
      setPhase((now) => (now === "finishing" ? "idle" : now));
      failed(result.failure);
    })();
    autofill.current = { controller, settled };
    return () => {
      clearTimeout(renew);
      controller.abort();
    };
  }, [offered, round, signInWithPasskey]);

  useEffect(
    () => () => {
      button.current?.abort();
    },
    [],
  );

  const start = useCallback(async () => {
    const controller = new AbortController();
    button.current = controller;
    setPhase("asking");
    onError(null);
    failures.current = 0;
    const pending = autofill.current;
    autofill.current = null;
    if (pending) {
      pending.controller.abort();
      await pending.settled;
    }
    const result = await signInWithPasskey({
      signal: controller.signal,
      onChosen: () => setPhase("finishing"),
    });
    if (result.ok) {
      onSignedIn();
      return;
    }
    button.current = null;
    setPhase("idle");
    onError(passkeyFailureMessage(result.failure, "sign-in"));
    setRound((n) => n + 1);
  }, [onError, onSignedIn, signInWithPasskey]);

  return { offered, phase, start };
}
