import { describe, expect, test } from "bun:test";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

const request = (path: string, cookie?: string) =>
  new NextRequest(`http://site.test${path}`, { headers: cookie ? { cookie } : {} });

describe("proxy", () => {
  test("a protected page without the session cookie goes to login with its path and query", () => {
    const response = proxy(request("/account?tab=sessions&x=1"));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("callbackUrl")).toBe("/account?tab=sessions&x=1");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  test("with a cookie it passes (the layout asks the backend), with headers and a nonce", () => {
    const response = proxy(request("/account/x", "access_token=abc"));
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("content-security-policy")).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
  });

  test("the backend's __Host- session cookie counts as a session too", () => {
    const response = proxy(request("/account", "__Host-access_token=abc"));
    expect(response.headers.get("location")).toBeNull();
    expect(proxy(request("/account", "__Host-other=abc")).status).toBe(307);
  });

  test("public pages pass without a cookie; a path that only starts like a protected one too", () => {
    expect(proxy(request("/login")).headers.get("location")).toBeNull();
    expect(proxy(request("/accountant")).headers.get("location")).toBeNull();
  });

  test("every response gets its own nonce", () => {
    const a = proxy(request("/login")).headers.get("content-security-policy");
    const b = proxy(request("/login")).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });
});
