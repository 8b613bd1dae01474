// The pages only a signed-in user may see: proxy.ts sends a request for one without a session
// cookie to /login, and the login page says why the person is there.

export const protectedPrefixes = ["/account"];

/** True for a protected path ("/account", "/account/x"), with or without a query. */
export function isProtected(path: string): boolean {
  const pathname = path.split(/[?#]/, 1)[0] ?? "";
  return protectedPrefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}
