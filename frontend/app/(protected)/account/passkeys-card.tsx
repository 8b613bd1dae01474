"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { api, call, fieldErrors, problemMessage, type Passkey } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import {
  passkeyAdd,
  passkeyFailureMessage,
  passkeyNameFieldMessage,
  passkeyNameProblem,
} from "@/lib/passkeys";
import { isLastWayIn, lastWayInReason, passkeyMethod } from "@/lib/sign-in-methods";
import { useHydrated, useWebAuthn } from "@/lib/use-hydrated";
import { Field } from "@/components/field";
import { useAskForProof } from "./confirm-identity";
import { PasskeyRow } from "./passkey-row";

type Props = {
  /** Some providers are not linked yet: the last passkey's reason suggests linking one. */
  canLinkAnother: boolean;
  /** A passkey was added or removed: the sessions it opened may have ended. */
  onChange: () => void;
};

const reasonId = "last-passkey";

/**
 * The account's passkeys, each renamed or removed in place, and "Add a passkey" where the browser
 * can make one. Adding and removing need a recent proof: "Confirm it's you", then the same again.
 */
export function PasskeysCard({ canLinkAnother, onChange }: Props) {
  const { user, refresh } = useAuth();
  const askForProof = useAskForProof();
  const webAuthn = useWebAuthn();
  const usable = useHydrated();
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // "add", or the id of the passkey being removed.
  const [busy, setBusy] = useState<string | null>(null);
  const said = useRef<HTMLParagraphElement>(null);
  // Bumped to move the focus to the message once it is on the page: after a removal the button
  // that was pressed is gone.
  const [focusSaid, setFocusSaid] = useState(0);

  const load = useCallback(async () => {
    const result = await call(api.GET("/api/auth/passkeys"));
    if (result.ok) setPasskeys(result.data);
    else setMessage({ ok: false, text: problemMessage(result.problem) });
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loads on mount
    void load();
  }, [load]);

  useEffect(() => {
    if (focusSaid > 0) said.current?.focus();
  }, [focusSaid]);

  /** Says what happened, and moves the focus there when the button that was pressed is gone. */
  function say(ok: boolean, text: string, focus = false) {
    setMessage({ ok, text });
    if (focus) setFocusSaid((n) => n + 1);
  }

  if (!user) return null;
  // A browser that cannot make passkeys sees the card only to manage the ones it has.
  if (!webAuthn && (passkeys === null || passkeys.length === 0)) return null;
  const others = { canLinkAnother, canAddPasskey: webAuthn };
  const lastOne =
    passkeys?.length === 1 && isLastWayIn(user.providers, passkeyMethod) ? passkeys[0] : null;

  async function add(given: string, trigger: HTMLElement | null) {
    setBusy("add");
    setMessage(null);
    setNameError(undefined);
    const result = await passkeyAdd(given);
    setBusy(null);
    if (result.ok) {
      setName("");
      say(
        true,
        `The passkey \u201c${result.data.name}\u201d was added. You can sign in with it now.`,
      );
      await load();
      await refresh();
      onChange();
      return;
    }
    const { failure } = result;
    if (failure.kind === "problem") {
      if (failure.problem.code === "reauthentication_required") {
        askForProof({
          action: { kind: "add-passkey" },
          retry: () => add(given, trigger),
          returnFocus: trigger,
        });
        return;
      }
      const field = fieldErrors(failure.problem).name;
      if (field) {
        setNameError(passkeyNameFieldMessage(field));
        return;
      }
    }
    const text = passkeyFailureMessage(failure, "add");
    if (text) say(false, text);
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = passkeyNameProblem(name, false);
    setNameError(problem ?? undefined);
    if (problem !== null) return;
    await add(name, event.nativeEvent instanceof SubmitEvent ? event.nativeEvent.submitter : null);
  }

  async function remove(passkey: Passkey, trigger: HTMLElement | null) {
    setBusy(passkey.id);
    setMessage(null);
    const result = await call(
      api.DELETE("/api/auth/passkeys/{id}", { params: { path: { id: passkey.id } } }),
    );
    setBusy(null);
    if (result.ok) {
      say(
        true,
        `The passkey \u201c${passkey.name}\u201d was removed. Other devices that signed in with it were signed out.`,
        true,
      );
      await load();
      await refresh();
      onChange();
      return;
    }
    const { code } = result.problem;
    if (code === "reauthentication_required") {
      askForProof({
        action: { kind: "remove-passkey", name: passkey.name },
        retry: () => remove(passkey, trigger),
        returnFocus: trigger,
      });
      return;
    }
    say(
      false,
      code === "last_sign_in_method"
        ? lastWayInReason(passkeyMethod, passkey.name, others)
        : problemMessage(result.problem),
    );
    // Another tab or device may have changed the account: show it as it is now.
    if (code === "last_sign_in_method" || code === "not_found") {
      await load();
      await refresh();
    }
  }

  return (
    <section className="card" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p className="muted">
        A passkey signs you in with your fingerprint, face, screen lock or security key, without a
        password.
      </p>
      <div aria-live="polite">
        {message ? (
          <p
            className={`alert ${message.ok ? "alert-ok" : "alert-error"}`}
            role={message.ok ? "status" : "alert"}
            data-testid="passkeys-message"
            ref={said}
            tabIndex={-1}
          >
            {message.text}
          </p>
        ) : null}
      </div>
      {passkeys === null ? (
        <p className="muted">Loading passkeys…</p>
      ) : passkeys.length === 0 ? (
        <p data-testid="no-passkeys">You have no passkeys yet.</p>
      ) : (
        <ul className="passkeys" data-testid="passkeys">
          {passkeys.map((p) => (
            <PasskeyRow
              key={p.id}
              passkey={p}
              busy={busy !== null}
              removing={busy === p.id}
              lastWayInId={p.id === lastOne?.id ? reasonId : null}
              onRemove={remove}
              onRenamed={(renamed) =>
                setPasskeys((list) => list?.map((k) => (k.id === renamed.id ? renamed : k)) ?? null)
              }
              onFailed={(text, reload) => {
                say(false, text);
                if (reload) void load();
              }}
            />
          ))}
        </ul>
      )}
      {lastOne ? (
        <p className="muted" id={reasonId} data-testid="last-passkey">
          {lastWayInReason(passkeyMethod, lastOne.name, others)}
        </p>
      ) : null}
      {webAuthn ? (
        <form
          method="post"
          className="passkey-add"
          onSubmit={onSubmit}
          noValidate
          aria-busy={busy === "add"}
          aria-label="Add a passkey"
          data-usable={usable || undefined}
        >
          <Field
            id="passkey_name"
            label="Name (optional)"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={nameError}
            describedBy="passkey-name-hint"
          />
          <p className="muted" id="passkey-name-hint">
            Left empty, it is named after this browser and device.
          </p>
          <button type="submit" className="button" disabled={busy !== null || !usable}>
            {busy === "add" ? "Adding…" : "Add a passkey"}
          </button>
        </form>
      ) : (
        <p className="muted" data-testid="passkeys-unsupported">
          This browser cannot make passkeys. To add one, use a browser that can.
        </p>
      )}
    </section>
  );
}
