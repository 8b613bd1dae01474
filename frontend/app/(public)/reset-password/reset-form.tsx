"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { fieldErrors, problemMessage, type PasswordPolicy } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { fieldErrorMessage, mailLinksUnavailable, problemCodeMessage } from "@/lib/messages";
import { forgetResetToken, tabStorage, takeResetToken, tokenFromFragment } from "@/lib/reset-link";
import { useHydrated } from "@/lib/use-hydrated";
import { PasswordFormShell } from "@/components/password-form-shell";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { NewPasswordFields, useNewPassword } from "@/components/new-password-fields";

type Errors = Partial<Record<"password" | "confirm", string>>;

const title = "Choose a new password";

function readLink(): string | null {
  return takeResetToken({
    location: window.location,
    history: window.history,
    storage: tabStorage(),
  });
}

/**
 * The new password for a reset link's account. Opening the page uses nothing: the token waits
 * in memory until the form is sent, and only that request spends it.
 */
export function ResetForm({ policy }: { policy: PasswordPolicy | null }) {
  const { resetPassword } = useAuth();
  const router = useRouter();
  // undefined: not read yet (the server's HTML, before hydration); null: no usable token.
  const [token, setToken] = useState<string | null | undefined>(undefined);
  // Why the link can no longer be used (invalid_link, link_expired).
  const [refused, setRefused] = useState<string | null>(null);
  // The account's address is not known here: the server checks the email rule.
  const newPassword = useNewPassword(policy, null);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usable = useHydrated();
  const refusedMessage = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the fragment exists only in the browser, after hydration
    setToken(readLink());
    // The same tab opening another link (only its fragment differs, so no reload): its token.
    function onHashChange() {
      if (!tokenFromFragment(window.location.hash).named) return;
      setToken(readLink());
      setRefused(null);
      setErrors({});
      setFormError(null);
    }
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  // The form that had the focus is gone: the focus goes to the sentence that replaced it.
  useEffect(() => {
    if (refused !== null) refusedMessage.current?.focus();
  }, [refused]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token) return;
    const next: Errors = newPassword.problems();
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    setBusy(true);
    setFormError(null);
    const result = await resetPassword(token, newPassword.password);
    if (result.ok) {
      forgetResetToken(tabStorage());
      router.replace("/account?notice=password-reset");
      router.refresh();
      return;
    }
    setBusy(false);
    const problem = result.problem;
    if (problem.code === "invalid_link" || problem.code === "link_expired") {
      setRefused(problemMessage(problem));
      return;
    }
    const byField = fieldErrors(problem);
    if (byField.token) {
      setRefused(problemCodeMessage("invalid_link") ?? problemMessage(problem));
      return;
    }
    if (byField.new_password) {
      // The link stays usable: the person picks another password and sends it again.
      setErrors({
        password: fieldErrorMessage(byField.new_password.code, byField.new_password.message),
      });
      newPassword.refuse(byField.new_password.code);
      return;
    }
    setFormError(problem.code === "not_found" ? mailLinksUnavailable : problemMessage(problem));
  }

  if (token === undefined) {
    return (
      <section className="card narrow" aria-busy="true">
        <h1>{title}</h1>
        <p className="muted" role="status">
          Reading your link…
        </p>
        <NeedsJavaScript task="Resetting your password" />
      </section>
    );
  }

  if (token === null || refused !== null) {
    return (
      <section className="card narrow">
        <h1>{title}</h1>
        {token === null ? (
          <p className="alert alert-error" data-testid="link-incomplete">
            This link is incomplete. Open the whole link from the mail again, or{" "}
            <Link href="/forgot-password">ask for a new one</Link>.
          </p>
        ) : (
          <p
            className="alert alert-error"
            role="alert"
            data-testid="link-refused"
            ref={refusedMessage}
            tabIndex={-1}
          >
            {refused} <Link href="/forgot-password">Ask for a new link</Link>.
          </p>
        )}
        <p className="muted">
          Remembered your password? <Link href="/login">Sign in</Link>.
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p>
        Your new password replaces the old one. Every device signed in to your account is signed
        out, and this one is signed in.
      </p>
      <div aria-live="assertive">
        {formError ? (
          <p className="alert alert-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}
      </div>
      <PasswordFormShell onSubmit={onSubmit} busy={busy} usable={usable}>
        <NewPasswordFields
          state={newPassword}
          ids={{
            password: "new_password",
            rules: "new-password-rules",
            confirm: "confirm_password",
          }}
          labels={{ password: "New password", confirm: "Confirm new password" }}
          errors={errors}
          required
        />
        <button type="submit" className="button button-block" disabled={busy || !usable}>
          {busy ? "Setting password…" : "Set new password"}
        </button>
      </PasswordFormShell>
      <p className="muted">
        Remembered your password? <Link href="/login">Sign in</Link>.
      </p>
    </section>
  );
}
