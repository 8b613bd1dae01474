import { describe, expect, test } from "bun:test";
import type { Problem } from "@/lib/api";
import {
  verificationMailNote,
  verifyOutcome,
  verifySignInHref,
  verifyView,
  type VerifyOutcome,
} from "@/lib/verify-email";

const token = "q3V0Zy1fWm9vLWJhcl9iYXotcXV4LTEyMzQ1Njc4OTA";
const unverified = { email_verified: false };
const verified = { email_verified: true };

function problem(status: number, code: Problem["code"], extra: Partial<Problem> = {}): Problem {
  return { type: "about:blank", title: "", status, code, detail: "server detail", ...extra };
}

describe("what the verification page shows", () => {
  test("nothing before the fragment is read", () => {
    expect(verifyView({ token: undefined, user: unverified, outcome: null })).toBe("reading");
    expect(verifyView({ token: undefined, user: null, outcome: null })).toBe("reading");
  });
  test("signed out with a token: sign in first (the tab keeps it)", () => {
    expect(verifyView({ token, user: null, outcome: null })).toBe("sign-in");
  });
  test("signed in and unverified with a token: the button, and nothing is sent before it", () => {
    expect(verifyView({ token, user: unverified, outcome: null })).toBe("confirm");
    const error: VerifyOutcome = { kind: "error", message: "Try again in 5 seconds." };
    expect(verifyView({ token, user: unverified, outcome: error })).toBe("confirm");
  });
  test("an address already verified says so, whatever the link", () => {
    expect(verifyView({ token, user: verified, outcome: null })).toBe("already-confirmed");
    expect(verifyView({ token: null, user: verified, outcome: null })).toBe("already-confirmed");
  });
  test("confirmed: said once it is, though the user is now verified", () => {
    const done: VerifyOutcome = { kind: "confirmed" };
    expect(verifyView({ token, user: verified, outcome: done })).toBe("confirmed");
  });
  test("no usable token: incomplete, signed in or not", () => {
    expect(verifyView({ token: null, user: null, outcome: null })).toBe("incomplete");
    expect(verifyView({ token: null, user: unverified, outcome: null })).toBe("incomplete");
  });
  test("a refused link, and another account's, while signed in", () => {
    const refused: VerifyOutcome = { kind: "refused", message: "x" };
    expect(verifyView({ token, user: unverified, outcome: refused })).toBe("refused");
    const other: VerifyOutcome = { kind: "other-account" };
    expect(verifyView({ token, user: unverified, outcome: other })).toBe("other-account");
    // Signed out since: the page asks for a sign-in again.
    expect(verifyView({ token, user: null, outcome: other })).toBe("sign-in");
  });
});

describe("a refused confirmation", () => {
  test("a used or expired link says which, in the verification link's own words", () => {
    expect(verifyOutcome(problem(400, "invalid_link"), true)).toEqual({
      kind: "refused",
      message:
        "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
    });
    expect(verifyOutcome(problem(400, "link_expired"), true)).toEqual({
      kind: "refused",
      message: "This link has expired: a confirmation link works for 24 hours.",
    });
  });
  test("a token the backend cannot read is a link cut short", () => {
    const unreadable = problem(422, "validation_failed", {
      errors: [{ field: "token", code: "required", message: "token is required" }],
    });
    expect(verifyOutcome(unreadable, true)).toMatchObject({ kind: "refused" });
  });
  test("401: another account's link while still signed in; otherwise signed out", () => {
    expect(verifyOutcome(problem(401, "unauthenticated"), true)).toEqual({
      kind: "other-account",
    });
    expect(verifyOutcome(problem(401, "unauthenticated"), false)).toBeNull();
  });
  test("mail off, the wait and anything else leave the button for another try", () => {
    expect(verifyOutcome(problem(404, "not_found"), true)).toEqual({
      kind: "error",
      message: "Confirming an address by mail is not available here, so there is nothing to do.",
    });
    expect(verifyOutcome(problem(429, "rate_limited", { retryAfter: 30 }), true)).toEqual({
      kind: "error",
      message: "Too many attempts. Try again in 30 seconds.",
    });
    expect(verifyOutcome(problem(0, "network_error"), true)).toMatchObject({ kind: "error" });
  });
  test("the sign-in link comes back to this page", () => {
    expect(verifySignInHref).toBe("/login?redirect_to=%2Fverify-email");
  });
});

describe("asking for a new verification mail", () => {
  const email = "ada@example.com";
  test("sent: where to, and for how long the link works", () => {
    expect(verificationMailNote({ ok: true, data: {} }, email)).toEqual({
      ok: true,
      text: "We've sent a new link to ada@example.com. Check your inbox: the link works for 24 hours.",
    });
  });
  test("too soon: the wait from Retry-After, in seconds or minutes", () => {
    const wait = (retryAfter?: number) =>
      verificationMailNote(
        { ok: false, problem: problem(429, "rate_limited", { retryAfter }) },
        email,
      );
    expect(wait(42)).toEqual({
      ok: false,
      text: "A mail was sent a moment ago. You can ask for another in 42 seconds.",
    });
    expect(wait(1).text).toContain("in 1 second.");
    expect(wait(600).text).toContain("in 10 minutes.");
    expect(wait(undefined).text).toBe(
      "A mail was sent a moment ago. Wait a minute before asking for another.",
    );
  });
  test("already verified (another tab confirmed it) is good news, not an error", () => {
    expect(
      verificationMailNote({ ok: false, problem: problem(409, "already_verified") }, email),
    ).toEqual({
      ok: true,
      text: "Your address is already confirmed: there is nothing more to do.",
    });
  });
  test("mail off, and anything else, in the page's words", () => {
    expect(
      verificationMailNote({ ok: false, problem: problem(404, "not_found") }, email).text,
    ).toContain("not available here");
    expect(
      verificationMailNote({ ok: false, problem: problem(403, "csrf_rejected") }, email).text,
    ).toContain("Open the site at its usual address");
  });
});
