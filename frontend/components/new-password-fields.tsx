"use client";
import { useState } from "react";
import type { PasswordPolicy } from "@/lib/api";
import { checkPassword, markRefused, passwordAcceptable } from "@/lib/validation";
import { Field } from "@/components/field";
import { PasswordRules } from "@/components/password-rules";

/**
 * A new password and its confirmation, checked against the policy as the user types; `email`
 * null when the account's address is not known (the server then checks that rule alone).
 */
export function useNewPassword(policy: PasswordPolicy | null, email: string | null) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  // The server's refusal (a field error code) of the password as it was sent: its rule stays
  // red until the password changes.
  const [refusal, setRefusal] = useState<{ password: string; code: string } | null>(null);
  const refused = refusal !== null && refusal.password === password ? refusal.code : null;
  const checks = markRefused(checkPassword(password, policy, email), refused);
  // Shown as soon as the confirmation is typed, before submitting.
  const mismatch =
    confirm !== "" && confirm !== password ? "The passwords do not match." : undefined;
  return {
    password,
    setPassword,
    confirm,
    setConfirm,
    checks,
    policy,
    /** The server refused the password as typed, with this field error code. */
    refuse: (code: string) => setRefusal({ password, code }),
    mismatch,
    /** What to show on submit; both undefined when the two fields may be sent. */
    problems: () => ({
      password: passwordAcceptable(checks)
        ? undefined
        : "The password does not meet the rules below.",
      confirm: confirm === "" ? "Repeat the password." : mismatch,
    }),
    clear: () => {
      setPassword("");
      setConfirm("");
    },
  };
}

export type NewPassword = ReturnType<typeof useNewPassword>;

/** The password field, its live rules, and the confirmation field. */
export function NewPasswordFields({
  state,
  ids,
  labels,
  errors,
  required,
}: {
  state: NewPassword;
  ids: { password: string; rules: string; confirm: string };
  labels: { password: string; confirm: string };
  errors: { password?: React.ReactNode; confirm?: React.ReactNode };
  required?: boolean;
}) {
  return (
    <>
      <Field
        id={ids.password}
        label={labels.password}
        type="password"
        autoComplete="new-password"
        required={required}
        value={state.password}
        onChange={(e) => state.setPassword(e.target.value)}
        error={errors.password}
        describedBy={ids.rules}
      />
      {state.policy ? (
        <PasswordRules
          id={ids.rules}
          checks={state.checks}
          policy={state.policy}
          password={state.password}
        />
      ) : (
        <p className="muted" id={ids.rules} data-testid="rules-unavailable">
          The password rules could not be loaded. The server checks your password when you submit.
        </p>
      )}
      <Field
        id={ids.confirm}
        label={labels.confirm}
        type="password"
        autoComplete="new-password"
        required={required}
        value={state.confirm}
        onChange={(e) => state.setConfirm(e.target.value)}
        error={errors.confirm ?? state.mismatch}
      />
    </>
  );
}
