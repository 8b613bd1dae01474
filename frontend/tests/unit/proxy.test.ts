import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

const request = (path: string, cookie?: string) =>
  new NextRequest(`http://site.test${path}`, { headers: cookie ? { cookie } : {} });

// The backend's providers, as GET /api/auth/providers answers them.
const realFetch = globalThis.fetch;
const asked: string[] = [];
beforeAll(() => {
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    asked.push(String(input));
    return Response.json({
      password: true,
      providers: [
        {
          id: "google",
          name: "Google",
          authorize_url: "/api/auth/google",
          authorization_origin: "https://accounts.google.com",
          avatar_sources: ["https://*.googleusercontent.com"],
        },
        {
          id: "corp",
          name: "Corp",
          authorize_url: "/api/auth/corp",
          authorization_origin: "https://sso.corp.example:8443",
          avatar_sources: ["https://avatars.corp.example"],
        },
      ],
    });
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe("proxy", () => {
  test("a protected page without the session cookie goes to login with its path and query", async () => {
    const response = await proxy(request("/account?tab=sessions&x=1"));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("callbackUrl")).toBe("/account?tab=sessions&x=1");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  test("with a cookie it passes (the layout asks the backend), with headers and a nonce", async () => {
    const response = await proxy(request("/account/x", "access_token=abc"));
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("content-security-policy")).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  });

  test("the backend's __Host- session cookie counts as a session too", async () => {
    const response = await proxy(request("/account", "__Host-access_token=abc"));
    expect(response.headers.get("location")).toBeNull();
    expect((await proxy(request("/account", "__Host-other=abc"))).status).toBe(307);
  });

  test("public pages pass without a cookie; a path that only starts like a protected one too", async () => {
    expect((await proxy(request("/login"))).headers.get("location")).toBeNull();
    expect((await proxy(request("/accountant"))).headers.get("location")).toBeNull();
  });

  test("every response gets its own nonce", async () => {
    const a = (await proxy(request("/login"))).headers.get("content-security-policy");
    const b = (await proxy(request("/login"))).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });

  test("form-action and img-src allow what the backend names for its providers", async () => {
    const csp = (await proxy(request("/account", "access_token=abc"))).headers.get(
      "content-security-policy",
    );
    expect(csp).toContain(
      "form-action 'self' https://accounts.google.com https://sso.corp.example:8443;",
    );
    expect(csp).toContain(
      "img-src 'self' data: https://*.googleusercontent.com https://avatars.corp.example;",
    );
    expect(asked.every((url) => url.endsWith("/api/auth/providers"))).toBe(true);
    // Asked once for all the requests of this file: the answer is kept for a minute.
    expect(asked).toHaveLength(1);
  });
});
