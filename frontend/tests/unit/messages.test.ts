import { describe, expect, test } from "bun:test";
import {
  asSentence,
  fieldErrorMessage,
  oauthErrorMessage,
  problemCodeMessage,
  signInNotice,
} from "@/lib/messages";

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
    expect(fieldErrorMessage("new_rule", "Server says no")).toBe("Server says no.");
    expect(fieldErrorMessage("new_rule", "Server says no!")).toBe("Server says no!");
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

describe("full sentences", () => {
  test("a message without its closing stop gets one; one with it is left as it is", () => {
    expect(asSentence("Email or password is incorrect")).toBe("Email or password is incorrect.");
    expect(asSentence("Done.")).toBe("Done.");
    expect(asSentence("Really?")).toBe("Really?");
    expect(asSentence("  ")).toBe("");
  });

  test("every sentence of the pages' own ends with a stop", () => {
    const own = [
      ...[
        "access_denied",
        "invalid_state",
        "provider_error",
        "email_not_verified",
        "unavailable",
        "session_expired",
        "already_linked",
        "something_new",
      ].map((code) => oauthErrorMessage(code) ?? ""),
      ...["required", "invalid_email", "too_common", "email_taken", "incorrect", "other"].map(
        (code) => fieldErrorMessage(code),
      ),
      signInNotice({ ended: true, protectedPage: true }) ?? "",
      signInNotice({ ended: false, protectedPage: true }) ?? "",
    ];
    for (const sentence of own) expect(sentence).toMatch(/^[A-Z].*[.!?]$/);
  });
});

describe("why the login page is shown", () => {
  test("an ended session says so; a protected page says what to do; otherwise nothing", () => {
    expect(signInNotice({ ended: true, protectedPage: true })).toBe(
      "You were signed out. Sign in again to continue.",
    );
    expect(signInNotice({ ended: false, protectedPage: true })).toBe(
      "Sign in to see your account.",
    );
    expect(signInNotice({ ended: false, protectedPage: false })).toBeNull();
  });
});
