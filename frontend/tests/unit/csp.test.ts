import { describe, expect, test } from "bun:test";
import { contentSecurityPolicy } from "@/proxy";

const providers = {
  formOrigins: ["https://accounts.google.com", "https://discord.com"],
  avatarSources: ["https://*.googleusercontent.com", "https://cdn.discordapp.com"],
};

describe("the CSP", () => {
  test("production: exactly the policy the pages have always been served with", () => {
    expect(contentSecurityPolicy("abc", providers, false)).toBe(
      [
        "default-src 'self'",
        "script-src 'self' 'nonce-abc' 'strict-dynamic'",
        "style-src 'self' 'nonce-abc'",
        "img-src 'self' data: https://*.googleusercontent.com https://cdn.discordapp.com",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self' https://accounts.google.com https://discord.com",
        "frame-ancestors 'none'",
      ].join("; "),
    );
  });

  test("production: no eval, no inline styles, no websockets", () => {
    const csp = contentSecurityPolicy("abc", providers, false);
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("ws:");
  });

  test("development: what Next's dev overlay needs, the rest as in production", () => {
    const csp = contentSecurityPolicy("abc", providers, true);
    const directive = (name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `)) ?? "";
    // React's server error stacks are rebuilt with eval.
    expect(directive("script-src")).toBe(
      "script-src 'self' 'nonce-abc' 'strict-dynamic' 'unsafe-eval'",
    );
    // The overlay's own <style> elements carry no nonce; with a nonce listed, browsers would
    // ignore 'unsafe-inline', so there is none.
    expect(directive("style-src")).toBe("style-src 'self' 'unsafe-inline'");
    // Hot reloading's websocket (ws: on http, wss: on https).
    expect(directive("connect-src")).toBe("connect-src 'self' ws: wss:");
    const production = contentSecurityPolicy("abc", providers, false).split("; ");
    const changed = csp.split("; ").filter((d) => !production.includes(d));
    expect(changed.map((d) => d.split(" ")[0])).toEqual(["script-src", "style-src", "connect-src"]);
  });

  test("no provider known: form posts and images stay on this origin", () => {
    const none = { formOrigins: [], avatarSources: [] };
    expect(contentSecurityPolicy("abc", none, false)).toContain("form-action 'self';");
    expect(contentSecurityPolicy("abc", none, false)).toContain("img-src 'self' data:;");
  });
});
