"use client";
import { useState } from "react";
import { type PasswordPolicy, type Provider } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import type { ProofFor } from "@/lib/sign-in-methods";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { SendVerificationMail } from "@/components/verification-mail";
import { ChangeEmail } from "./change-email";
import { ConfirmIdentity } from "./confirm-identity";
import { PasskeysCard } from "./passkeys-card";
import { PasswordForm } from "./password-form";
import { SessionsCard } from "./sessions-card";
import { SignInMethods } from "./sign-in-methods";

type Props = {
  providers: Provider[];
  policy: PasswordPolicy | null;
  /**
   * The backend sends links by mail: an unverified address can ask for a verification mail, and
   * the address can be changed (by a link to the new one).
   */
  emailLinks: boolean;
  /** Passkeys work on this site: the Passkeys card, and a passkey to confirm it's you. */
  passkeys: boolean;
  linkError: string | null;
  /** A change that needs a proof first: a link start the backend sent back here for one. */
  proofFor: ProofFor | null;
  /** A provider confirmed it's them: what to do again. */
  afterProof: string | null;
  /** What another page sent the person here to read (`?notice=`): a password reset. */
  notice: string | null;
};

export function AccountView({
  providers,
  policy,
  emailLinks,
  passkeys,
  linkError,
  proofFor,
  afterProof,
  notice,
}: Props) {
  const { user, loading } = useAuth();
  // Bumped by every change that may end or confirm sessions: the sessions list loads again.
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((n) => n + 1);
  const linkedAlready = (action: ProofFor) =>
    action.kind === "link" && (user?.providers.includes(action.provider) ?? false);
  if (loading || !user) {
    return (
      <>
        <p className="muted">Loading your account…</p>
        <NeedsJavaScript task="This page" />
      </>
    );
  }

  return (
    <ConfirmIdentity
      providers={providers}
      passkeys={passkeys}
      initial={proofFor && !linkedAlready(proofFor) ? { action: proofFor } : null}
      onConfirmed={changed}
    >
      <h1>Your account</h1>
      {linkError ? (
        <p className="alert alert-error" role="alert" data-testid="link-error">
          {linkError}
        </p>
      ) : null}
      {notice ? (
        <p className="alert alert-ok" role="status" data-testid="account-notice">
          {notice}
        </p>
      ) : null}
      {afterProof ? (
        <p className="alert alert-ok" role="status" data-testid="after-proof">
          {afterProof}
        </p>
      ) : null}
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Profile</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>
            <bdi>{user.name}</bdi>
          </dd>
          <dt>Email</dt>
          <dd data-testid="account-email">
            {user.email}{" "}
            {user.email_verified ? (
              <span className="badge badge-ok">verified</span>
            ) : (
              <span className="badge badge-warn">not verified</span>
            )}
            {emailLinks ? <SendVerificationMail label="Send verification mail" /> : null}
            {emailLinks ? <ChangeEmail /> : null}
          </dd>
        </dl>
      </section>
      <SignInMethods providers={providers} passkeys={passkeys} onChange={changed} />
      {passkeys ? (
        <PasskeysCard
          canLinkAnother={providers.some((p) => !user.providers.includes(p.id))}
          onChange={changed}
        />
      ) : null}
      <PasswordForm
        policy={policy}
        hasPassword={user.providers.includes("password")}
        onChange={changed}
      />
      <SessionsCard providers={providers} changes={changes} />
    </ConfirmIdentity>
  );
}
