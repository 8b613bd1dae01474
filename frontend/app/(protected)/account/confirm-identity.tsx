"use client";
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { api, call, problemMessage, type Provider } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { passkeyConfirm, passkeyFailureMessage } from "@/lib/passkeys";
import {
  linkAction,
  passkeyMethod,
  passwordMethod,
  proofPurpose,
  providerName,
  reauthenticateAction,
  type ProofFor,
} from "@/lib/sign-in-methods";
import { useHydrated, useWebAuthn } from "@/lib/use-hydrated";
import { Field } from "@/components/field";
import { PasswordFormShell } from "@/components/password-form-shell";

/**
 * A change the backend refused for want of a recent proof. `retry` repeats it once the password
 * has confirmed it's them; a link start has none: the dialog posts the link form again itself.
 */
export type ProofRequest = {
  action: ProofFor;
  retry?: () => Promise<void>;
  /** Focused again when the dialog closes: the button that started the change. */
  returnFocus?: HTMLElement | null;
};

const AskForProof = createContext<(request: ProofRequest) => void>(() => {});

/** Opens the "Confirm it's you" dialog for a change answered with `reauthentication_required`. */
export function useAskForProof() {
  return useContext(AskForProof);
}

type Props = {
  providers: Provider[];
  /** Passkeys work on this site: an account that has one may confirm with it. */
  passkeys: boolean;
  /** Open from the start: a link start the backend sent back here for want of a proof. */
  initial: ProofRequest | null;
  /** The session's proof moved (the sessions list shows it). */
  onConfirmed: () => void;
  children: React.ReactNode;
};

export function ConfirmIdentity({ providers, passkeys, initial, onConfirmed, children }: Props) {
  const [request, setRequest] = useState<ProofRequest | null>(initial);
  const ask = useCallback((next: ProofRequest) => setRequest(next), []);
  return (
    <AskForProof.Provider value={ask}>
      {children}
      {request ? (
        <ConfirmDialog
          key={JSON.stringify(request.action)}
          request={request}
          providers={providers}
          passkeys={passkeys}
          onConfirmed={onConfirmed}
          onClose={() => setRequest(null)}
        />
      ) : null}
    </AskForProof.Provider>
  );
}

type DialogProps = {
  request: ProofRequest;
  providers: Provider[];
  passkeys: boolean;
  onConfirmed: () => void;
  onClose: () => void;
};

function ConfirmDialog({ request, providers, passkeys, onConfirmed, onClose }: DialogProps) {
  const { user } = useAuth();
  const dialog = useRef<HTMLDialogElement>(null);
  const linkForm = useRef<HTMLFormElement>(null);
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const usable = useHydrated();
  const webAuthn = useWebAuthn();
  const { action, retry, returnFocus } = request;

  useEffect(() => {
    const element = dialog.current;
    // A modal <dialog> keeps focus inside, hides the page from assistive technology and closes
    // on Escape; it focuses its first field or button when it opens.
    if (element && !element.open) element.showModal();
  }, []);

  /** Closes the dialog and puts focus back on the button that led to it. */
  function close() {
    dialog.current?.close();
    if (returnFocus?.isConnected) returnFocus.focus();
  }

  const hasPassword = user?.providers.includes(passwordMethod) ?? false;
  const linked = (user?.providers ?? []).filter((id) => providers.some((p) => p.id === id));
  const offerPasskey = passkeys && webAuthn && (user?.providers.includes(passkeyMethod) ?? false);
  const name = (id: string) => providerName(id, providers);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMissing(password === "" ? "Enter your password." : undefined);
    if (password === "") return;
    setBusy(true);
    setError(null);
    const result = await call(api.POST("/api/auth/reauthenticate", { body: { password } }));
    if (!result.ok) {
      setBusy(false);
      setError(
        result.problem.code === "invalid_credentials"
          ? "That password is incorrect. Try again."
          : problemMessage(result.problem),
      );
      return;
    }
    setPassword("");
    await proven();
  }

  async function confirmWithPasskey() {
    setWaiting(true);
    setError(null);
    const result = await passkeyConfirm();
    setWaiting(false);
    if (!result.ok) {
      setError(passkeyFailureMessage(result.failure, "confirm"));
      return;
    }
    await proven();
  }

  /** The session has a fresh proof: the change goes on. */
  async function proven() {
    onConfirmed();
    // A link start leaves the page for the provider: the dialog stays until the browser goes.
    if (action.kind === "link") {
      linkForm.current?.submit();
      return;
    }
    close();
    await retry?.();
  }

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="confirm-heading"
      aria-describedby="confirm-purpose"
      data-testid="confirm-dialog"
      onClose={() => {
        if (returnFocus?.isConnected) returnFocus.focus();
        onClose();
      }}
    >
      <h2 id="confirm-heading">Confirm it&apos;s you</h2>
      <p id="confirm-purpose">
        {proofPurpose(action, name)} Someone who got hold of your session cannot change how you sign
        in without it.
      </p>
      <div aria-live="assertive">
        {error ? (
          <p className="alert alert-error" role="alert" data-testid="confirm-error">
            {error}
          </p>
        ) : null}
      </div>
      {hasPassword ? (
        <PasswordFormShell onSubmit={onSubmit} busy={busy} usable={usable}>
          <Field
            id="reauth_password"
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={missing}
          />
          <button
            type="submit"
            className="button button-block"
            disabled={busy || waiting || !usable}
          >
            {busy ? "Confirming…" : "Confirm with password"}
          </button>
        </PasswordFormShell>
      ) : null}
      {hasPassword && (linked.length > 0 || offerPasskey) ? <p className="divider">or</p> : null}
      <div className="stack">
        {offerPasskey ? (
          <button
            type="button"
            className={`button button-block${hasPassword ? " button-quiet" : ""}`}
            disabled={busy || waiting}
            onClick={confirmWithPasskey}
          >
            {waiting ? "Waiting for your passkey…" : "Use a passkey"}
          </button>
        ) : null}
        {linked.map((id) => (
          // A top-level form post, as linking is: the provider leads back to the account page.
          <form key={id} method="post" action={reauthenticateAction(id, action)}>
            <button type="submit" className="button button-quiet button-block">
              Confirm with {name(id)}
            </button>
          </form>
        ))}
        <button type="button" className="button button-quiet" onClick={close}>
          Cancel
        </button>
      </div>
      <p className="muted">Signing out and in again also confirms it&apos;s you.</p>
      {action.kind === "link" ? (
        <form ref={linkForm} method="post" action={linkAction(action.provider)} hidden />
      ) : null}
    </dialog>
  );
}
