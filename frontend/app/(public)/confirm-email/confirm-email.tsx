"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useAuth } from "@/lib/auth-context";
import {
  confirmEmailSignInHref,
  confirmOutcome,
  confirmView,
  type ConfirmOutcome,
} from "@/lib/change-email";
import { changeEmailOtherAccount, changeEmailSignInFirst, emailChanged } from "@/lib/messages";
import {
  changeEmailTokenKey,
  forgetLinkToken,
  tabStorage,
  takeLinkToken,
  tokenFromFragment,
} from "@/lib/reset-link";
import { NeedsJavaScript } from "@/components/needs-javascript";

const title = "Confirm your new address";

function readLink(): string | null {
  return takeLinkToken(
    { location: window.location, history: window.history, storage: tabStorage() },
    changeEmailTokenKey,
  );
}

/**
 * Moves the signed-in account to the address a change of address link was sent to. Opening the
 * page uses nothing: the token waits in the tab (also while the person signs in) until "Confirm
 * the new address" is pressed, and only that request uses it.
 */
export function ConfirmEmail() {
  const { user, confirmEmail, refresh, logout } = useAuth();
  const router = useRouter();
  // undefined: not read yet (the server's HTML, before hydration); null: no usable token.
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [outcome, setOutcome] = useState<ConfirmOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const said = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the fragment exists only in the browser, after hydration
    setToken(readLink());
    // The same tab opening another link (only its fragment differs, so no reload): its token.
    function onHashChange() {
      if (!tokenFromFragment(window.location.hash).named) return;
      setToken(readLink());
      setOutcome(null);
    }
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  // The button that had the focus is gone: the focus goes to the sentence that replaced it.
  useEffect(() => {
    if (outcome !== null && outcome.kind !== "error") said.current?.focus();
  }, [outcome]);

  async function confirm() {
    if (!token) return;
    setBusy(true);
    setOutcome(null);
    const result = await confirmEmail(token);
    if (result.ok) {
      forgetLinkToken(tabStorage(), changeEmailTokenKey);
      setBusy(false);
      setOutcome({ kind: "changed", email: result.data.email });
      router.refresh();
      return;
    }
    // A 401: no session any more, or one of another account; asking again tells which.
    const stillSignedIn = result.problem.status === 401 ? (await refresh()) !== null : true;
    const next = confirmOutcome(result.problem, stillSignedIn);
    // A refused link (used, expired, its address taken) can do nothing more: the tab forgets it.
    if (next?.kind === "refused") forgetLinkToken(tabStorage(), changeEmailTokenKey);
    setBusy(false);
    setOutcome(next);
  }

  // The link is another account's: out of this one, into that one, and back here (the tab
  // keeps the token).
  async function switchAccount() {
    setBusy(true);
    await logout();
    router.push(confirmEmailSignInHref);
    router.refresh();
  }

  const view = confirmView({ token, user, outcome });

  if (view === "reading") {
    return (
      <section className="card narrow" aria-busy="true">
        <h1>{title}</h1>
        <p className="muted" role="status">
          Reading your link…
        </p>
        <NeedsJavaScript task="Confirming your new address" />
      </section>
    );
  }

  if (view === "changed" && outcome?.kind === "changed") {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p
          className="alert alert-ok"
          role="status"
          data-testid="email-changed"
          ref={said}
          tabIndex={-1}
        >
          {emailChanged(outcome.email)}
        </p>
        <p>It is confirmed, and you sign in with it from now on.</p>
        <p>
          <Link href="/account" className="button">
            Go to your account
          </Link>
        </p>
      </section>
    );
  }

  if (view === "sign-in") {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p className="alert alert-info" data-testid="confirm-email-sign-in">
          {changeEmailSignInFirst}
        </p>
        <p>
          <Link href={confirmEmailSignInHref} className="button button-block">
            Sign in to confirm
          </Link>
        </p>
        <p className="muted">
          This page keeps the link while you sign in. Nothing changes until you press the button
          that follows.
        </p>
      </section>
    );
  }

  if (view === "incomplete") {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p className="alert alert-error" data-testid="link-incomplete">
          This link is incomplete. Open the whole link from the mail again
          {user
            ? ", or ask for a new one from your account page."
            : ", or sign in and ask for a new one from your account page."}
        </p>
        <p className="muted">
          {user ? (
            <Link href="/account">Go to your account</Link>
          ) : (
            <Link href={`/login?callbackUrl=${encodeURIComponent("/account")}`}>Sign in</Link>
          )}
        </p>
      </section>
    );
  }

  if (view === "other-account" && user) {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p
          className="alert alert-error"
          role="alert"
          data-testid="confirm-email-other-account"
          ref={said}
          tabIndex={-1}
        >
          {changeEmailOtherAccount(user.email)}
        </p>
        <div className="stack">
          <button type="button" className="button" onClick={switchAccount} disabled={busy}>
            {busy ? "Signing out…" : "Sign out and sign in to the other account"}
          </button>
          <Link href="/account" className="button button-quiet">
            Stay signed in as <bdi>{user.name}</bdi>
          </Link>
        </div>
      </section>
    );
  }

  if (view === "refused" && outcome?.kind === "refused" && user) {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p
          className="alert alert-error"
          role="alert"
          data-testid="link-refused"
          ref={said}
          tabIndex={-1}
        >
          {outcome.message}
        </p>
        <p data-testid="address-kept">
          Your account&apos;s address is still <strong>{user.email}</strong>.
        </p>
        <p>To move it to another address, ask for a new link from your account page.</p>
        <p>
          <Link href="/account" className="button">
            Go to your account
          </Link>
        </p>
      </section>
    );
  }

  // Signed in, a token: only the button sends it.
  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p data-testid="confirm-email-account">
        You are signed in as <bdi>{user?.name}</bdi>, whose address is{" "}
        <strong>{user?.email}</strong>.
      </p>
      <p className="muted">
        Confirming moves this account to the address the link was sent to. The link only works for
        the account that asked for it.
      </p>
      <div aria-live="assertive">
        {outcome?.kind === "error" ? (
          <p className="alert alert-error" role="alert" data-testid="form-error">
            {outcome.message}
          </p>
        ) : null}
      </div>
      <button
        type="button"
        className="button button-block"
        onClick={confirm}
        disabled={busy}
        aria-busy={busy}
      >
        {busy ? "Confirming…" : "Confirm the new address"}
      </button>
    </section>
  );
}
