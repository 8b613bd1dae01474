import { describe, expect, test } from "bun:test";
import { ruleText } from "@/components/password-rules";
import { checkPassword, markRefused, passwordAcceptable } from "@/lib/validation";

// The backend's policy as /api/auth/password-policy answers it; the numbers are its own.
const policy = {
  min_length: 10,
  max_bytes: 64,
  rules: [
    { id: "min_length", description: "At least 10 characters" },
    { id: "max_bytes", description: "At most 64 bytes (UTF-8)" },
    { id: "not_common", description: "Not one of the 19640 most common passwords" },
    { id: "not_email", description: "Not the email address" },
    { id: "no_spaces_at_ends", description: "No spaces at either end" },
  ],
};
const texts = (password: string) =>
  Object.fromEntries(
    checkPassword(password, policy).map((c) => [c.id, ruleText(c, policy, password)]),
  );

describe("rules in plain words", () => {
  test("the known rules in the page's words, with the policy's numbers", () => {
    const t = texts("violet-harbour-42");
    expect(t.min_length).toBe("At least 10 characters");
    expect(t.max_bytes).toBe("No more than 64 characters");
    expect(t.not_common).toBe("Not a commonly used password");
    expect(t.not_email).toBe("Not your email address or the part before the @");
    for (const text of Object.values(t)) {
      expect(text).not.toContain("bytes");
      expect(text).not.toContain("UTF-8");
    }
  });

  test("a rule the page does not know reads as the backend describes it", () => {
    expect(texts("x").no_spaces_at_ends).toBe("No spaces at either end");
  });

  test("the byte rule is explained only when a password goes over it", () => {
    expect(texts("a".repeat(64)).max_bytes).toBe("No more than 64 characters");
    expect(texts("a".repeat(65)).max_bytes).toBe("No more than 64 characters (this one has 65)");
    // 17 four-byte characters: 68 counted, over the limit although only 17 were typed.
    const emoji = texts("🔑".repeat(17)).max_bytes;
    expect(emoji).toContain("emoji count as 2 to 4 each");
    expect(emoji).toContain("this one counts as 68");
    expect(texts("🔑".repeat(16)).max_bytes).toBe("No more than 64 characters");
  });
});

describe("a rule the server refused", () => {
  test("the server's code marks its rule refused, and the password is no longer acceptable", () => {
    const checks = markRefused(checkPassword("violet-harbour-42", policy), "too_common");
    expect(checks.find((c) => c.id === "not_common")?.state).toBe("refused");
    expect(checks.find((c) => c.id === "min_length")?.state).toBe("met");
    expect(passwordAcceptable(checks)).toBe(false);
  });

  test("a code that is a rule's own id marks that rule; an unknown code marks nothing", () => {
    const base = checkPassword("violet-harbour-42", policy);
    expect(
      markRefused(base, "no_spaces_at_ends").find((c) => c.id === "no_spaces_at_ends")?.state,
    ).toBe("refused");
    expect(markRefused(base, "something_else")).toEqual(base);
    expect(markRefused(base, null)).toBe(base);
  });
});
