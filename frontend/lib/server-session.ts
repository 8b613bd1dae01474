// Server-side calls to the backend (protected layout, pages that need data before rendering).
import "server-only";
import { cookies } from "next/headers";
import { call, makeClient, type User } from "./api";
import { findSessionCookie } from "./session-cookie";

/** The backend as the Next.js server reaches it (compose: http://backend:8000). */
export const backendUrl = process.env.BACKEND_URL ?? "http://127.0.0.1:8000";

/** The user of the request's session cookie, asked of the backend; null when it is not valid. */
export async function currentUser(): Promise<User | null> {
  const jar = await cookies();
  const session = findSessionCookie((name) => jar.get(name)?.value);
  if (!session) return null;
  const client = makeClient(backendUrl, { cookie: `${session.name}=${session.value}` });
  const result = await call(client.GET("/api/auth/me", { cache: "no-store" }));
  return result.ok ? result.data : null;
}

/** Public data the sign-in pages render with; empty when the backend does not answer. */
export async function signInOptions() {
  const client = makeClient(backendUrl);
  const [providers, policy] = await Promise.all([
    call(client.GET("/api/auth/providers", { cache: "no-store" })),
    call(client.GET("/api/auth/password-policy", { cache: "no-store" })),
  ]);
  return {
    providers: providers.ok ? providers.data.providers : [],
    policy: policy.ok ? policy.data : fallbackPolicy,
  };
}

const fallbackPolicy = {
  min_length: 8,
  max_bytes: 72,
  rules: [
    { id: "min_length", description: "At least 8 characters" },
    { id: "max_bytes", description: "At most 72 bytes (UTF-8)" },
  ],
};
