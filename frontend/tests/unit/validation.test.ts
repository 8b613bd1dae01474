import { describe, expect, test } from "bun:test";
import {
  byteLength,
  charLength,
  checkPassword,
  passwordAcceptable,
  safeCallbackUrl,
  validateEmail,
  validateName,
} from "@/lib/validation";

const policy = {
  min_length: 8,
  max_bytes: 72,
  rules: [
    { id: "min_length", description: "At least 8 characters" },
    { id: "max_bytes", description: "At most 72 bytes" },
    { id: "not_common", description: "Not a common password" },
    { id: "not_email", description: "Not your email" },
  ],
};
const state = (password: string, email = "") =>
  Object.fromEntries(checkPassword(password, policy, email).map((c) => [c.id, c.state]));

describe("lengths", () => {
  test("counts characters as code points and bytes as UTF-8", () => {
    expect(charLength("héllo")).toBe(5);
    expect(byteLength("héllo")).toBe(6);
    expect(charLength("🔑")).toBe(1);
    expect(byteLength("🔑")).toBe(4);
  });
});

describe("password rules", () => {
  test("min_length counts characters, not bytes", () => {
    expect(state("ééééééé").min_length).toBe("unmet"); // 7 characters, 14 bytes
    expect(state("éééééééé").min_length).toBe("met");
  });

  test("max_bytes counts UTF-8 bytes: 18 emoji are 72 bytes, 19 are too many", () => {
    expect(state("🔑".repeat(18)).max_bytes).toBe("met");
    expect(state("🔑".repeat(19)).max_bytes).toBe("unmet");
    expect(state("a".repeat(72)).max_bytes).toBe("met");
    expect(state("a".repeat(73)).max_bytes).toBe("unmet");
  });

  test("not_email refuses the address and its local part, case-insensitively", () => {
    expect(state("Ada.Lovelace@Example.com", "ada.lovelace@example.com").not_email).toBe("unmet");
    expect(state("ADA.LOVELACE", "ada.lovelace@example.com").not_email).toBe("unmet");
    expect(state("violet-harbour-42", "ada.lovelace@example.com").not_email).toBe("met");
  });

  test("without the account's address (a reset link's page) the email rule is the server's", () => {
    const checks = checkPassword("ada.lovelace", policy, null);
    expect(Object.fromEntries(checks.map((c) => [c.id, c.state])).not_email).toBe("server");
    expect(Object.fromEntries(checks.map((c) => [c.id, c.state])).min_length).toBe("met");
    expect(passwordAcceptable(checks)).toBe(true);
    expect(passwordAcceptable(checkPassword("short", policy, null))).toBe(false);
  });

  test("the common-password list is left to the server", () => {
    expect(state("password").not_common).toBe("server");
    expect(passwordAcceptable(checkPassword("violet-harbour-42", policy))).toBe(true);
    expect(passwordAcceptable(checkPassword("short", policy))).toBe(false);
  });

  test("without a policy (the backend did not answer) nothing is ticked and the server decides", () => {
    expect(checkPassword("short", null)).toEqual([]);
    expect(passwordAcceptable(checkPassword("short", null))).toBe(true);
  });
});

describe("fields", () => {
  test("email", () => {
    expect(validateEmail("")).not.toBeNull();
    expect(validateEmail("ada")).not.toBeNull();
    expect(validateEmail(" ada@example.com ")).toBeNull();
  });
  test("name (the full rule is in display-name.test.ts)", () => {
    expect(validateName("   ")).not.toBeNull();
    expect(validateName("x".repeat(101))).not.toBeNull();
    expect(validateName("Ada\u200bLovelace")).not.toBeNull();
    expect(validateName("Ada")).toBeNull();
  });
});

describe("safeCallbackUrl", () => {
  test("never leads back to a sign-in page, which would send a signed-in person round in a circle", () => {
    for (const page of [
      "/login",
      "/login/",
      "/login?callbackUrl=/login",
      "/register",
      "/register#x",
    ]) {
      expect(safeCallbackUrl(page)).toBe("/");
    }
    expect(safeCallbackUrl("/login-help")).toBe("/login-help");
  });

  test("keeps same-site relative paths with their query", () => {
    expect(safeCallbackUrl("/account")).toBe("/account");
    expect(safeCallbackUrl("/account?tab=sessions&x=1")).toBe("/account?tab=sessions&x=1");
    expect(safeCallbackUrl("/account?tab=x#y")).toBe("/account?tab=x#y");
    expect(safeCallbackUrl("/a.b/c")).toBe("/a.b/c");
    expect(safeCallbackUrl("/a/.well-known/..x")).toBe("/a/.well-known/..x");
    // Dots after the path are not segments the parser resolves.
    expect(safeCallbackUrl("/search?q=/../x#/./y")).toBe("/search?q=/../x#/./y");
  });
  // Each resolves to "//evil.example..." once its dot segments are removed.
  test.each([
    "/.//evil.example/x",
    "/%2e%2e//evil.example",
    "/a/..//evil.example",
    "/%2E/..//x",
    "/%2e//evil.example",
    "/.%2E//evil.example",
    "/a/%2e%2E//evil.example",
    "/x/.././/evil.example",
  ])("refuses dot segments that would lead off the site: %p", (value) => {
    expect(safeCallbackUrl(value)).toBe("/");
  });
  test("refuses any dot segment, even one that stays on the site", () => {
    expect(safeCallbackUrl("/account/../login")).toBe("/");
    expect(safeCallbackUrl("/./account")).toBe("/");
    expect(safeCallbackUrl("/account/.")).toBe("/");
  });
  test.each([
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "account",
    "/\tevil",
    "/%0a",
    "",
  ])("refuses %p", (value) => {
    const out = safeCallbackUrl(value);
    expect(out.startsWith("/")).toBe(true);
    expect(out.startsWith("//")).toBe(false);
    if (value !== "/%0a") expect(out).toBe("/");
  });
  test("null and undefined fall back to /", () => {
    expect(safeCallbackUrl(null)).toBe("/");
    expect(safeCallbackUrl(undefined)).toBe("/");
  });
});
