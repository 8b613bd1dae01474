import type { FormEvent, ReactNode } from "react";

type Props = {
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  busy: boolean;
  /** Hydrated: until then the submit button stays disabled. */
  usable: boolean;
  children: ReactNode;
};

/**
 * A form that carries a password. It posts, so that no submit can ever put a password in the URL
 * (a click before the scripts load, say); its script handles every submit.
 */
export function PasswordFormShell({ onSubmit, busy, usable, children }: Props) {
  return (
    <form
      method="post"
      onSubmit={onSubmit}
      noValidate
      aria-busy={busy}
      data-usable={usable || undefined}
    >
      {children}
    </form>
  );
}
