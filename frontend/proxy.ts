// Next 16's request proxy (formerly middleware): a per-request CSP nonce and security headers
// on every page, and a redirect to /login for protected pages without a session cookie.
// The protected layout still asks the backend, so a stale cookie never shows a protected page.
import { NextResponse, type NextRequest } from "next/server";
import { backendUrl } from "@/lib/backend-url";
import { isProtected } from "@/lib/protected-paths";
import {
  fetchProviderSources,
  noProviderSources,
  originsCache,
  type ProviderSources,
} from "@/lib/provider-origins";
import { findSessionCookie } from "@/lib/session-cookie";

// Avatars come from the providers' image hosts, and a link form posts to
// /api/auth/{provider}/link, which redirects to the provider (form-action also governs that
// redirect): the backend names both for its providers. Nothing else leaves this origin.
const providerSources = originsCache({
  fetchOrigins: () => fetchProviderSources(backendUrl),
  empty: noProviderSources,
});

/**
 * The pages' CSP. In development Next's dev overlay also needs eval (React's server error
 * stacks), its own inline styles (which carry no nonce) and the websocket of hot reloading.
 */
export function contentSecurityPolicy(
  nonce: string,
  providers: ProviderSources = noProviderSources,
  dev = process.env.NODE_ENV === "development",
): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // A nonce would make browsers ignore 'unsafe-inline', so development leaves it out.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    ["img-src 'self' data:", ...providers.avatarSources].join(" "),
    "font-src 'self'",
    dev ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    ["form-action 'self'", ...providers.formOrigins].join(" "),
    "frame-ancestors 'none'",
  ].join("; ");
}

function secure(response: NextResponse, csp: string): NextResponse {
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  response.headers.set("X-Frame-Options", "DENY");
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  return response;
}

export async function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, await providerSources());
  const { pathname, search } = request.nextUrl;

  const session = findSessionCookie((name) => request.cookies.get(name)?.value);
  if (isProtected(pathname) && !session) {
    const login = new URL("/login", request.url);
    login.searchParams.set("callbackUrl", `${pathname}${search}`);
    return secure(NextResponse.redirect(login, 307), csp);
  }

  // Next reads the nonce from the request's CSP header and puts it on its own scripts.
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  headers.set("x-url-path", `${pathname}${search}`);
  return secure(NextResponse.next({ request: { headers } }), csp);
}

export const config = {
  matcher: [
    {
      // Everything but the API (nginx sends it to the backend) and Next's static files.
      source: "/((?!api/|_next/static/|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
