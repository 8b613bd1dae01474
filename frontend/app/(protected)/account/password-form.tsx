"use client";
import { useState } from "react";
import { api, call, fieldErrors, problemMessage, type PasswordPolicy } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { fieldErrorMessage } from "@/lib/messages";
import { useHydrated } from "@/lib/use-hydrated";
import { Field } from "@/components/field";
import { PasswordFormShell } from "@/components/password-form-shell";
import { NewPasswordFields, useNewPassword } from "@/components/new-password-fields";
import { useAskForProof } from "./confirm-identity";

type Errors = Partial<Record<"current" | "password" | "confirm", string>>;

/** Sets a password (accounts made by a provider) or changes the existing one. */
export function PasswordForm({
  policy,
  hasPassword,
  onChange,
}: {
  policy: PasswordPolicy | null;
  hasPassword: boolean;
  /** A password was set or changed: the other sessions were revoked. */
  onChange: () => void;
}) {
  const { user, refresh } = useAuth();
  const askForProof = useAskForProof();
  const [current, setCurrent] = useState("");
  const newPassword = useNewPassword(policy, user?.email ?? "");
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const usable = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Errors = {
      current: hasPassword && current === "" ? "Enter your current password." : undefined,
      ...newPassword.problems(),
    };
    setErrors(next);
    if (Object.values(next).some(Boolean)) return;
    const body = hasPassword
      ? { new_password: newPassword.password, current_password: current }
      : { new_password: newPassword.password };
    await send(body, event.nativeEvent instanceof SubmitEvent ? event.nativeEvent.submitter : null);
  }

  async function send(
    body: { new_password: string; current_password?: string },
    trigger: HTMLElement | null,
  ) {
    setBusy(true);
    setMessage(null);
    const result = await call(api.PUT("/api/auth/password", { body }));
    setBusy(false);
    if (result.ok) {
      setCurrent("");
      newPassword.clear();
      setMessage({
        ok: true,
        text: hasPassword ? "Password changed. Other devices were signed out." : "Password set.",
      });
      await refresh();
      onChange();
      return;
    }
    // Setting a first password needs a recent proof; the same password is sent again after it.
    if (result.problem.code === "reauthentication_required") {
      askForProof({
        action: { kind: "set-password" },
        retry: () => send(body, trigger),
        returnFocus: trigger,
      });
      return;
    }
    const byField = fieldErrors(result.problem);
    const known: Errors = {};
    if (byField.current_password) known.current = fieldErrorMessage(byField.current_password.code);
    if (byField.new_password) {
      known.password = fieldErrorMessage(byField.new_password.code, byField.new_password.message);
      newPassword.refuse(byField.new_password.code);
    }
    setErrors(known);
    if (Object.keys(known).length === 0)
      setMessage({ ok: false, text: problemMessage(result.problem) });
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{hasPassword ? "Change password" : "Set a password"}</h2>
      <div aria-live="polite">
        {message ? (
          <p
            className={`alert ${message.ok ? "alert-ok" : "alert-error"}`}
            role={message.ok ? "status" : "alert"}
            data-testid="password-message"
          >
            {message.text}
          </p>
        ) : null}
      </div>
      <PasswordFormShell onSubmit={onSubmit} busy={busy} usable={usable}>
        {hasPassword ? (
          <Field
            id="current_password"
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.current}
          />
        ) : null}
        <NewPasswordFields
          state={newPassword}
          ids={{
            password: "new_password",
            rules: "new-password-rules",
            confirm: "confirm_password",
          }}
          labels={{ password: "New password", confirm: "Confirm new password" }}
          errors={errors}
        />
        <button type="submit" className="button" disabled={busy || !usable}>
          {busy ? "Saving…" : hasPassword ? "Change password" : "Set password"}
        </button>
      </PasswordFormShell>
    </section>
  );
}
