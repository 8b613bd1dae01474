import { describe, expect, test } from "bun:test";
import { fieldErrorMessage, oauthErrorMessage, problemCodeMessage } from "@/lib/messages";

describe("OAuth error sentences", () => {
  test.each([
    "access_denied",
    "invalid_state",
    "provider_error",
    "email_not_verified",
    "unavailable",
    "session_expired",
    "already_linked",
  ])("%s reads as a sentence, not a code", (code) => {
    const message = oauthErrorMessage(code);
    expect(message).not.toBeNull();
    expect(message).not.toContain(code);
    expect(message).toMatch(/^[A-Z].*\.$/);
  });
  test("each code has its own sentence", () => {
    const codes = [
      "access_denied",
      "invalid_state",
      "provider_error",
      "email_not_verified",
      "unavailable",
    ];
    expect(new Set(codes.map(oauthErrorMessage)).size).toBe(codes.length);
  });
  test("no code, no message; an unknown code gets a generic sentence, never itself", () => {
    expect(oauthErrorMessage(null)).toBeNull();
    expect(oauthErrorMessage("<script>")).not.toContain("<script>");
  });
});

describe("field error sentences", () => {
  test("known codes", () => {
    expect(fieldErrorMessage("too_common")).toContain("too common");
    expect(fieldErrorMessage("contains_email")).toContain("email");
    expect(fieldErrorMessage("email_taken")).toContain("already exists");
  });
  test("unknown codes fall back to the server's message", () => {
    expect(fieldErrorMessage("new_rule", "Server says no")).toBe("Server says no");
  });
});

describe("problem sentences", () => {
  test("csrf_rejected says what to do, not which header was refused", () => {
    const message = problemCodeMessage("csrf_rejected");
    expect(message).toContain("Open the site at its usual address and try again.");
    expect(message).not.toContain("Origin");
  });
  test("other codes keep the server's detail", () => {
    expect(problemCodeMessage("invalid_credentials")).toBeUndefined();
    expect(problemCodeMessage("constructor")).toBeUndefined();
  });
});
