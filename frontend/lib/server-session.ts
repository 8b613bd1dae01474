// Server-side calls to the backend (layouts, pages that need data before rendering).
import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { call, makeClient, type PasswordPolicy, type User } from "./api";
import { backendUrl } from "./backend-url";
import { findSessionCookie } from "./session-cookie";

export { backendUrl };

export type SessionState = {
  /** The signed-in user; null when there is no session or the backend refused it. */
  user: User | null;
  /** A session cookie was sent but the backend no longer accepts it (revoked or expired). */
  ended: boolean;
};

/**
 * The request's session, asked of the backend once per request: the root layout, the
 * protected layout and the pages share one answer (React's `cache()` lasts one render).
 */
export const currentSession = cache(async (): Promise<SessionState> => {
  const jar = await cookies();
  const session = findSessionCookie((name) => jar.get(name)?.value);
  if (!session) return { user: null, ended: false };
  const client = makeClient(backendUrl, { cookie: `${session.name}=${session.value}` });
  const result = await call(client.GET("/api/auth/me", { cache: "no-store" }));
  if (result.ok) return { user: result.data, ended: false };
  // Only a refusal means the session ended; an unreachable backend says nothing about it.
  return { user: null, ended: result.problem.status === 401 };
});

/** The user of the request's session cookie; null when it is not valid. */
export async function currentUser(): Promise<User | null> {
  return (await currentSession()).user;
}

/**
 * Public data the sign-in pages render with. No providers when the backend does not answer,
 * and no policy (null): the forms then say the rules could not be loaded, and the backend
 * still checks every password it is sent. `emailLinks`: whether the backend sends links by
 * mail (password reset); null when it did not say. `passkeys`: whether passkeys work on this
 * site (false too when the backend did not say: no passkey is offered then).
 */
export const signInOptions = cache(async () => {
  const client = makeClient(backendUrl);
  const [providers, policy] = await Promise.all([
    call(client.GET("/api/auth/providers", { cache: "no-store" })),
    call(client.GET("/api/auth/password-policy", { cache: "no-store" })),
  ]);
  return {
    providers: providers.ok ? providers.data.providers : [],
    emailLinks: providers.ok ? providers.data.email_links : null,
    passkeys: providers.ok && providers.data.passkeys === true,
    policy: policy.ok ? policy.data : (null as PasswordPolicy | null),
  };
});
