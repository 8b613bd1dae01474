"use client";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { api, call, fieldErrors, problemMessage, type Problem } from "@/lib/api";
import { fieldErrorMessage, mailLinksUnavailable, resetLinkSent } from "@/lib/messages";
import { useHydrated } from "@/lib/use-hydrated";
import { validateEmail } from "@/lib/validation";
import { Field } from "@/components/field";
import { NeedsJavaScript } from "@/components/needs-javascript";

/** The page's sentence for a refused request: mail being off is said in the page's words. */
function refusal(problem: Problem): string {
  return problem.code === "not_found" ? mailLinksUnavailable : problemMessage(problem);
}

/**
 * Asks for a password-reset link. The answer is the same whether or not the address has an
 * account, and so is what the page says afterwards.
 */
export function ForgotForm() {
  const [email, setEmail] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The address a link was asked for: the page then says what happens next.
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [again, setAgain] = useState<{ ok: boolean; text: string } | null>(null);
  const usable = useHydrated();
  const sentHeading = useRef<HTMLHeadingElement>(null);

  // The form that had the focus is gone: the focus goes to what replaced it.
  useEffect(() => {
    if (sentTo !== null) sentHeading.current?.focus();
  }, [sentTo]);

  async function ask(address: string) {
    return call(api.POST("/api/auth/password/forgot", { body: { email: address } }));
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = validateEmail(email) ?? undefined;
    setError(problem);
    if (problem) return;
    setBusy(true);
    setFormError(null);
    const address = email.trim();
    const result = await ask(address);
    setBusy(false);
    if (result.ok) {
      setAgain(null);
      setSentTo(address);
      return;
    }
    const byField = fieldErrors(result.problem);
    if (byField.email) setError(fieldErrorMessage(byField.email.code, byField.email.message));
    else setFormError(refusal(result.problem));
  }

  async function sendAgain() {
    if (sentTo === null) return;
    setBusy(true);
    setAgain(null);
    const result = await ask(sentTo);
    setBusy(false);
    setAgain(
      result.ok
        ? {
            ok: true,
            text: "Asked again. If an account uses this address, a new link is on its way, and the earlier one no longer works.",
          }
        : { ok: false, text: refusal(result.problem) },
    );
  }

  if (sentTo !== null) {
    return (
      <section className="card narrow" aria-labelledby="sent-heading">
        <h1 id="sent-heading" ref={sentHeading} tabIndex={-1}>
          Check your mail
        </h1>
        <p className="alert alert-ok" role="status" data-testid="reset-link-sent">
          {resetLinkSent}
        </p>
        <p>
          Look in the inbox of <strong>{sentTo}</strong>, and in its spam folder if nothing is
          there.
        </p>
        <div aria-live="polite">
          {again ? (
            <p
              className={`alert ${again.ok ? "alert-ok" : "alert-error"}`}
              role={again.ok ? "status" : "alert"}
              data-testid="send-again-result"
            >
              {again.text}
            </p>
          ) : null}
        </div>
        <div className="stack">
          <button type="button" className="button" onClick={sendAgain} disabled={busy}>
            {busy ? "Sending…" : "Send the link again"}
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setSentTo(null);
              setAgain(null);
            }}
            disabled={busy}
          >
            Use another address
          </button>
        </div>
        <p className="muted">
          Remembered it? <Link href="/login">Sign in</Link>.
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>Reset your password</h1>
      <p>
        Enter the email address of your account. We&apos;ll send you a link to choose a new
        password.
      </p>
      <div aria-live="assertive">
        {formError ? (
          <p className="alert alert-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}
      </div>
      <NeedsJavaScript task="Asking for a reset link" />
      <form
        method="post"
        onSubmit={onSubmit}
        noValidate
        aria-busy={busy}
        data-usable={usable || undefined}
      >
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={error}
        />
        <button type="submit" className="button button-block" disabled={busy || !usable}>
          {busy ? "Sending…" : "Send reset link"}
        </button>
      </form>
      <p className="muted">
        Remembered it? <Link href="/login">Sign in</Link>.
      </p>
    </section>
  );
}
