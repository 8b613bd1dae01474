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

  test("the common-password list is left to the server", () => {
    expect(state("password").not_common).toBe("server");
    expect(passwordAcceptable(checkPassword("violet-harbour-42", policy))).toBe(true);
    expect(passwordAcceptable(checkPassword("short", policy))).toBe(false);
  });
});

describe("fields", () => {
  test("email", () => {
    expect(validateEmail("")).not.toBeNull();
    expect(validateEmail("ada")).not.toBeNull();
    expect(validateEmail(" ada@example.com ")).toBeNull();
  });
  test("name", () => {
    expect(validateName("   ")).not.toBeNull();
    expect(validateName("x".repeat(101))).not.toBeNull();
    expect(validateName("Ada")).toBeNull();
  });
});

describe("safeCallbackUrl", () => {
  test("keeps same-site relative paths with their query", () => {
    expect(safeCallbackUrl("/account")).toBe("/account");
    expect(safeCallbackUrl("/account?tab=sessions&x=1")).toBe("/account?tab=sessions&x=1");
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
