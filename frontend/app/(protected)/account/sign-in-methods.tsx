"use client";
import { useState } from "react";
import { api, call, problemMessage, type Provider } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import {
  isLastWayIn,
  lastWayInReason,
  linkAction,
  passkeyMethod,
  passwordMethod,
  providerName,
} from "@/lib/sign-in-methods";
import { useWebAuthn } from "@/lib/use-hydrated";
import { useAskForProof } from "./confirm-identity";

type Props = {
  providers: Provider[];
  /** Passkeys work on this site: they are a way in, kept in the Passkeys card. */
  passkeys: boolean;
  /** A sign-in method was removed: the other sessions it signed in were revoked. */
  onChange: () => void;
};

/** The account's ways in, each removable unless it is the last, and the providers to link. */
export function SignInMethods({ providers, passkeys, onChange }: Props) {
  const { user, refresh } = useAuth();
  const webAuthn = useWebAuthn();
  const askForProof = useAskForProof();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!user) return null;

  const ways = user.providers;
  const linked = ways.filter((id) => id !== passwordMethod && id !== passkeyMethod);
  const unlinked = providers.filter((p) => !ways.includes(p.id));
  const name = (id: string) => providerName(id, providers);
  // Only one way in is ever the last: the reason is shown once, below the list. Passkeys are
  // removed one by one in their own card, which says it there.
  const last = ways.find((way) => way !== passkeyMethod && isLastWayIn(ways, way)) ?? null;
  const others = { canLinkAnother: unlinked.length > 0, canAddPasskey: passkeys && webAuthn };
  const reasonId = "last-way-in";

  async function remove(method: string, trigger: HTMLElement | null) {
    setBusy(method);
    setMessage(null);
    const result =
      method === passwordMethod
        ? await call(api.DELETE("/api/auth/password"))
        : await call(
            api.DELETE("/api/auth/{provider}/link", { params: { path: { provider: method } } }),
          );
    setBusy(null);
    if (result.ok) {
      setMessage({
        ok: true,
        text:
          method === passwordMethod
            ? "Your password was removed. Other devices that signed in with it were signed out."
            : `${name(method)} was unlinked. Other devices that signed in with it were signed out.`,
      });
      await refresh();
      onChange();
      return;
    }
    if (result.problem.code === "reauthentication_required") {
      askForProof({
        action:
          method === passwordMethod
            ? { kind: "remove-password" }
            : { kind: "unlink", provider: method },
        retry: () => remove(method, trigger),
        returnFocus: trigger,
      });
      return;
    }
    setMessage({ ok: false, text: problemMessage(result.problem) });
    // Another tab or device may have changed the account: show it as it is now.
    if (result.problem.code === "last_sign_in_method" || result.problem.code === "not_found")
      await refresh();
  }

  function removeButton(method: string, label: React.ReactNode) {
    const lastOne = method === last;
    return (
      <button
        type="button"
        className="button button-danger"
        disabled={busy !== null || lastOne}
        aria-describedby={lastOne ? reasonId : undefined}
        onClick={(event) => remove(method, event.currentTarget)}
      >
        {busy === method ? "Removing…" : label}
      </button>
    );
  }

  return (
    <section className="card" aria-labelledby="providers-heading">
      <h2 id="providers-heading">Sign-in methods</h2>
      <div aria-live="polite">
        {message ? (
          <p
            className={`alert ${message.ok ? "alert-ok" : "alert-error"}`}
            role={message.ok ? "status" : "alert"}
            data-testid="methods-message"
          >
            {message.text}
          </p>
        ) : null}
      </div>
      <ul className="methods" data-testid="linked-providers">
        {ways.includes(passwordMethod) ? (
          <li data-method={passwordMethod}>
            <span className="method-name">Password</span>
            {removeButton(passwordMethod, "Remove password")}
          </li>
        ) : null}
        {passkeys && ways.includes(passkeyMethod) ? (
          <li data-method={passkeyMethod}>
            <span className="method-name">Passkey</span>
            <a className="button button-quiet" href="#passkeys-heading">
              Manage passkeys
            </a>
          </li>
        ) : null}
        {linked.map((id) => (
          <li key={id} data-method={id}>
            <span className="method-name">{name(id)}</span>
            {removeButton(
              id,
              <>
                Unlink<span className="sr-only"> {name(id)}</span>
              </>,
            )}
          </li>
        ))}
      </ul>
      {last ? (
        <p className="muted" id={reasonId} data-testid="last-way-in">
          {lastWayInReason(last, name(last), others)}
        </p>
      ) : null}
      {unlinked.length > 0 ? (
        <div className="row">
          {unlinked.map((p) => (
            // A top-level form post: the browser follows the backend's 303 to the provider.
            <form key={p.id} method="post" action={linkAction(p.id)}>
              <button type="submit" className="button button-quiet">
                Link {p.name}
              </button>
            </form>
          ))}
        </div>
      ) : null}
    </section>
  );
}
