// The session cookie as the backend names it: `__Host-<COOKIE_NAME>` when its cookies are Secure
// and bound to one host (production over HTTPS), else `<COOKIE_NAME>`. Both are looked for, the
// prefixed one first, so a page works before and after the backend's upgrade to `__Host-`.

const baseName = process.env.COOKIE_NAME ?? "access_token";

/** The names to look for, in order. */
export const sessionCookieNames = [`__Host-${baseName}`, baseName] as const;

/** The first session cookie present, by name and value; null when there is none. */
export function findSessionCookie(
  get: (name: string) => string | undefined,
): { name: string; value: string } | null {
  for (const name of sessionCookieNames) {
    const value = get(name);
    if (value) return { name, value };
  }
  return null;
}
