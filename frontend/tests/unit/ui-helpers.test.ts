import { expect, test } from "bun:test";
import { initials } from "@/components/avatar";
import { contentSecurityPolicy } from "@/proxy";

test("initials: first and last name, one letter for one name", () => {
  expect(initials("Ada Lovelace")).toBe("AL");
  expect(initials("ada")).toBe("A");
  expect(initials("Ada Byron Lovelace")).toBe("AL");
  expect(initials("  ")).toBe("");
});

test("the CSP allows only this origin, the nonce, and the providers' avatar hosts", () => {
  const csp = contentSecurityPolicy("abc", {
    formOrigins: [],
    avatarSources: ["https://*.googleusercontent.com", "https://cdn.discordapp.com"],
  });
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain(
    "img-src 'self' data: https://*.googleusercontent.com https://cdn.discordapp.com",
  );
  expect(csp).not.toContain("unsafe-inline");
});
