"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fieldErrors, problemMessage, type PasswordPolicy } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { trimWhiteSpace } from "@/lib/display-name";
import { fieldErrorMessage } from "@/lib/messages";
import { useHydrated } from "@/lib/use-hydrated";
import { validateEmail, validateName } from "@/lib/validation";
import { Field } from "@/components/field";
import { PasswordFormShell } from "@/components/password-form-shell";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { NewPasswordFields, useNewPassword } from "@/components/new-password-fields";

type Errors = Partial<Record<"email" | "name" | "password" | "confirm", React.ReactNode>>;

export function RegisterForm({ policy }: { policy: PasswordPolicy | null }) {
  const { register } = useAuth();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const newPassword = useNewPassword(policy, email);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usable = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Errors = {
      email: validateEmail(email) ?? undefined,
      name: validateName(name) ?? undefined,
      ...newPassword.problems(),
    };
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    setBusy(true);
    setFormError(null);
    const result = await register(email.trim(), trimWhiteSpace(name), newPassword.password);
    if (result.ok) {
      router.replace("/");
      router.refresh();
      return;
    }
    setBusy(false);
    const problem = result.problem;
    if (problem.code === "email_taken") {
      setErrors({
        email: (
          <>
            {problemMessage(problem)} <Link href="/login">Sign in instead</Link>.
          </>
        ),
      });
      return;
    }
    const byField = fieldErrors(problem);
    const known: Errors = {};
    for (const key of ["email", "name", "password"] as const) {
      const e = byField[key];
      if (e) known[key] = fieldErrorMessage(e.code, e.message);
    }
    if (byField.password) newPassword.refuse(byField.password.code);
    setErrors(known);
    if (Object.keys(known).length === 0) setFormError(problemMessage(problem));
  }

  return (
    <section className="card narrow">
      <h1>Create an account</h1>
      <div aria-live="assertive">
        {formError ? (
          <p className="alert alert-error" role="alert" data-testid="form-error">
            {formError}
          </p>
        ) : null}
      </div>
      <NeedsJavaScript task="Creating an account" />
      <PasswordFormShell onSubmit={onSubmit} busy={busy} usable={usable}>
        <Field
          id="email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={errors.email}
        />
        <Field
          id="name"
          label="Name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
        />
        <NewPasswordFields
          state={newPassword}
          ids={{ password: "password", rules: "password-rules", confirm: "confirm" }}
          labels={{ password: "Password", confirm: "Confirm password" }}
          errors={errors}
          required
        />
        <button type="submit" className="button button-block" disabled={busy || !usable}>
          {busy ? "Creating account…" : "Create account"}
        </button>
      </PasswordFormShell>
      <p className="muted">
        Already have an account? <Link href="/login">Sign in</Link>.
      </p>
    </section>
  );
}
