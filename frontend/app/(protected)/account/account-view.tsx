"use client";
import { type PasswordPolicy, type Provider } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { NeedsJavaScript } from "@/components/needs-javascript";
import { PasswordForm } from "./password-form";
import { SessionsCard } from "./sessions-card";

type Props = { providers: Provider[]; policy: PasswordPolicy | null; linkError: string | null };

export function AccountView({ providers, policy, linkError }: Props) {
  const { user, loading } = useAuth();
  if (loading || !user) {
    return (
      <>
        <p className="muted">Loading your account…</p>
        <NeedsJavaScript task="This page" />
      </>
    );
  }
  const linked = user.providers.filter((p) => p !== "password");
  const unlinked = providers.filter((p) => !user.providers.includes(p.id));
  const nameOf = (id: string) => providers.find((p) => p.id === id)?.name ?? id;

  return (
    <>
      <h1>Your account</h1>
      {linkError ? (
        <p className="alert alert-error" role="alert" data-testid="link-error">
          {linkError}
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
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="providers-heading">
        <h2 id="providers-heading">Sign-in methods</h2>
        <ul data-testid="linked-providers">
          {user.providers.includes("password") ? <li>Password</li> : null}
          {linked.map((id) => (
            <li key={id}>{nameOf(id)}</li>
          ))}
        </ul>
        {unlinked.length > 0 ? (
          <div className="row">
            {unlinked.map((p) => (
              // A top-level form post: the browser follows the backend's 303 to the provider.
              <form key={p.id} method="post" action={`/api/auth/${p.id}/link?redirect_to=/account`}>
                <button type="submit" className="button button-quiet">
                  Link {p.name}
                </button>
              </form>
            ))}
          </div>
        ) : null}
      </section>

      <PasswordForm policy={policy} hasPassword={user.providers.includes("password")} />
      <SessionsCard />
    </>
  );
}
