"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useAuth } from "@/lib/auth-context";
import { verifyOtherAccount, verifySignInFirst } from "@/lib/messages";
import {
  forgetLinkToken,
  tabStorage,
  takeLinkToken,
  tokenFromFragment,
  verifyTokenKey,
} from "@/lib/reset-link";
import {
  verifyOutcome,
  verifySignInHref,
  verifyView,
  type VerifyOutcome,
} from "@/lib/verify-email";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { SendVerificationMail } from "@/components/verification-mail";

const title = "Confirm your address";

function readLink(): string | null {
  return takeLinkToken(
    { location: window.location, history: window.history, storage: tabStorage() },
    verifyTokenKey,
  );
}

/**
 * Confirms the signed-in account's address with a mail's link. Opening the page uses nothing:
 * the token waits in the tab (also while the person signs in) until "Confirm my address" is
 * pressed, and only that request uses it.
 */
export function VerifyEmail() {
  const { user, verifyEmail, refresh, logout } = useAuth();
  const router = useRouter();
  // undefined: not read yet (the server's HTML, before hydration); null: no usable token.
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [outcome, setOutcome] = useState<VerifyOutcome | null>(null);
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
    const result = await verifyEmail(token);
    if (result.ok) {
      forgetLinkToken(tabStorage(), verifyTokenKey);
      setBusy(false);
      setOutcome({ kind: "confirmed" });
      router.refresh();
      return;
    }
    // A 401: no session any more, or one of another account; asking again tells which.
    const stillSignedIn = result.problem.status === 401 ? (await refresh()) !== null : true;
    setBusy(false);
    setOutcome(verifyOutcome(result.problem, stillSignedIn));
  }

  // The link is another account's: out of this one, into that one, and back here (the tab
  // keeps the token).
  async function switchAccount() {
    setBusy(true);
    await logout();
    router.push(verifySignInHref);
    router.refresh();
  }

  const view = verifyView({ token, user, outcome });

  if (view === "reading") {
    return (
      <section className="card narrow" aria-busy="true">
        <h1>{title}</h1>
        <p className="muted" role="status">
          Reading your link…
        </p>
        <NeedsJavaScript task="Confirming your address" />
      </section>
    );
  }

  if (view === "confirmed") {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p
          className="alert alert-ok"
          role="status"
          data-testid="verify-confirmed"
          ref={said}
          tabIndex={-1}
        >
          Your address is confirmed.
        </p>
        {user ? (
          <p>
            <strong>{user.email}</strong> can now be used to recover your account.
          </p>
        ) : null}
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
        <p className="alert alert-info" data-testid="verify-sign-in">
          {verifySignInFirst}
        </p>
        <p>
          <Link href={verifySignInHref} className="button button-block">
            Sign in to confirm
          </Link>
        </p>
        <p className="muted">
          This page keeps the link while you sign in. Nothing is confirmed until you press the
          button that follows.
        </p>
      </section>
    );
  }

  if (view === "already-confirmed" && user) {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        <p className="alert alert-ok" role="status" data-testid="verify-already">
          Your address <strong>{user.email}</strong> is already confirmed. There is nothing more to
          do.
        </p>
        <div className="stack">
          <Link href="/account" className="button">
            Go to your account
          </Link>
          <button
            type="button"
            className="button button-quiet"
            onClick={switchAccount}
            disabled={busy}
          >
            {busy ? "Signing out…" : "Sign in to another account"}
          </button>
        </div>
        <p className="muted">
          If the link was sent for another account, sign in to that one to confirm its address.
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
            ? ", or send a new one."
            : ", or sign in and send a new one from your account page."}
        </p>
        {user ? (
          <SendVerificationMail label="Send a new link" />
        ) : (
          <p className="muted">
            <Link href={verifySignInHref}>Sign in</Link>
          </p>
        )}
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
          data-testid="verify-other-account"
          ref={said}
          tabIndex={-1}
        >
          {verifyOtherAccount(user.email)}
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

  if (view === "refused" && outcome?.kind === "refused") {
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
        <p>A new link replaces this one, and works for 24 hours.</p>
        <SendVerificationMail label="Send a new link" />
      </section>
    );
  }

  // Signed in, unverified, a token: only the button sends it.
  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p data-testid="verify-address">
        Confirm the address <strong>{user?.email}</strong>.
      </p>
      <p className="muted">
        You are signed in as <bdi>{user?.name}</bdi>. The link only works for the account it was
        sent for.
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
        {busy ? "Confirming…" : "Confirm my address"}
      </button>
    </section>
  );
}
