"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { problemMessage, type Provider } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { useHydrated } from "@/lib/use-hydrated";
import { validateEmail } from "@/lib/validation";
import { Field } from "@/components/field";
import { PasswordFormShell } from "@/components/password-form-shell";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { usePasskeySignIn } from "./use-passkey-sign-in";

type Props = {
  providers: Provider[];
  /** The provider a link from another site asked for: offered first, never started unasked. */
  suggested: Provider | null;
  callbackUrl: string;
  /** The backend sends password-reset links by mail: the form offers one. */
  emailLinks: boolean;
  /** Passkeys work on this site: offered in the email field's autofill and by a button. */
  passkeys: boolean;
  /** Why the person is asked to sign in (their session ended, a protected page), if not by choice. */
  notice: string | null;
  oauthError: string | null;
};

export function LoginForm({
  providers,
  suggested,
  callbackUrl,
  emailLinks,
  passkeys,
  notice,
  oauthError,
}: Props) {
  const { login } = useAuth();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<{ email?: string; password?: string }>({});
  const [formError, setFormError] = useState<string | null>(oauthError);
  const [busy, setBusy] = useState(false);
  const usable = useHydrated();
  const goOn = useCallback(() => {
    router.replace(callbackUrl);
    router.refresh();
  }, [router, callbackUrl]);
  const passkey = usePasskeySignIn({ enabled: passkeys, onSignedIn: goOn, onError: setFormError });

  // Hydrated: the form answers from here on (measured as "time to a usable form").
  useEffect(() => {
    if (usable) performance.mark("login-form-usable");
  }, [usable]);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = {
      email: validateEmail(email) ?? undefined,
      password: password === "" ? "Enter your password." : undefined,
    };
    setErrors(next);
    if (next.email || next.password) return;
    setBusy(true);
    setFormError(null);
    const result = await login(email.trim(), password);
    if (result.ok) {
      goOn();
      return;
    }
    setBusy(false);
    setFormError(problemMessage(result.problem));
  }

  const others = providers.filter((p) => p.id !== suggested?.id);
  const withReturn = (url: string) =>
    callbackUrl === "/" ? url : `${url}?redirect_to=${encodeURIComponent(callbackUrl)}`;

  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      {notice ? (
        <p className="alert alert-info" role="status" data-testid="sign-in-notice">
          {notice}
        </p>
      ) : null}
      {suggested ? (
        <div className="stack" data-testid="suggested-provider">
          <p>To sign in with {suggested.name}, continue below.</p>
          <a className="button button-block" href={withReturn(suggested.authorize_url)}>
            Continue with {suggested.name}
          </a>
        </div>
      ) : null}
      <div aria-live="assertive">
        {formError ? (
          <p className="alert alert-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}
      </div>
      <NeedsJavaScript task="Signing in with a password" />
      <PasswordFormShell onSubmit={onSubmit} busy={busy} usable={usable}>
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="username webauthn"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        <button
          type="submit"
          className="button button-block"
          disabled={busy || !usable || passkey.phase === "finishing"}
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </PasswordFormShell>
      {emailLinks ? (
        <p className="muted">
          <Link href="/forgot-password">Forgot your password?</Link>
        </p>
      ) : null}
      {others.length > 0 || passkey.offered ? (
        <>
          <p className="divider">or</p>
          <div className="stack">
            {passkey.offered ? (
              <button
                type="button"
                className="button button-quiet"
                disabled={busy || passkey.phase !== "idle"}
                onClick={() => void passkey.start()}
              >
                {passkey.phase === "asking"
                  ? "Waiting for your passkey…"
                  : passkey.phase === "finishing"
                    ? "Signing in…"
                    : "Sign in with a passkey"}
              </button>
            ) : null}
            {others.map((p) => (
              <a key={p.id} className="button button-quiet" href={withReturn(p.authorize_url)}>
                Continue with {p.name}
              </a>
            ))}
          </div>
        </>
      ) : null}
      <p className="muted">
        No account yet? <Link href="/register">Create one</Link>.
      </p>
    </section>
  );
}
