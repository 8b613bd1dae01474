import { describe, expect, test } from "bun:test";
import type { ApiResult, Problem } from "@/lib/api";
import {
  changeRequestOutcome,
  confirmEmailSignInHref,
  confirmOutcome,
  confirmView,
  newEmailFieldMessage,
  newEmailProblem,
  type ConfirmOutcome,
} from "@/lib/change-email";

const token = "q3V0Zy1fWm9vLWJhcl9iYXotcXV4LTEyMzQ1Njc4OTA";
const user = { email: "ada@example.com" };

function problem(status: number, code: Problem["code"], extra: Partial<Problem> = {}): Problem {
  return { type: "about:blank", title: "", status, code, detail: "server detail", ...extra };
}

const refused = (p: Problem): ApiResult<unknown> => ({ ok: false, problem: p });

describe("the new address, checked before asking", () => {
  test("empty or not an address: said beside the field", () => {
    expect(newEmailProblem("", user.email)).toBe("Enter the new address.");
    expect(newEmailProblem("   ", user.email)).toBe("Enter the new address.");
    expect(newEmailProblem("ada", user.email)).toBe("Enter a valid email address.");
    expect(newEmailProblem("ada@example", user.email)).toBe("Enter a valid email address.");
  });
  test("the account's own address, in any case and with spaces around, is not a change", () => {
    const same = "This is already your account's address. Enter the new one.";
    expect(newEmailProblem("ada@example.com", user.email)).toBe(same);
    expect(newEmailProblem("  ADA@Example.com ", user.email)).toBe(same);
  });
  test("another address is sent", () => {
    expect(newEmailProblem("ada@new.example.com", user.email)).toBeNull();
    expect(newEmailProblem(" ada@new.example.com ", user.email)).toBeNull();
  });
});

describe("the answer to a change of address", () => {
  const to = "ada@new.example.com";
  test("202: where the link went, and that nothing changes until it is opened", () => {
    expect(changeRequestOutcome({ ok: true, data: {} }, to)).toEqual({
      kind: "sent",
      text: "We've sent a link to ada@new.example.com. Your address changes once you open it (it works for 24 hours).",
    });
  });
  test("403 reauthentication_required: confirm it's you, then the same request again", () => {
    expect(changeRequestOutcome(refused(problem(403, "reauthentication_required")), to)).toEqual({
      kind: "proof",
    });
  });
  test("409 email_taken: beside the field, in the form's own words", () => {
    expect(changeRequestOutcome(refused(problem(409, "email_taken")), to)).toEqual({
      kind: "field",
      text: "Another account already uses this address. Enter a different one.",
    });
  });
  test("422 on email: not an address, or the account's own, beside the field", () => {
    const invalid = problem(422, "validation_failed", {
      errors: [{ field: "email", code: "invalid_email", message: "email must be a valid email" }],
    });
    expect(changeRequestOutcome(refused(invalid), to)).toEqual({
      kind: "field",
      text: "Enter a valid email address.",
    });
    const same = problem(422, "validation_failed", {
      errors: [{ field: "email", code: "same_as_current", message: "this is already it" }],
    });
    expect(changeRequestOutcome(refused(same), to)).toEqual({
      kind: "field",
      text: "This is already your account's address. Enter the new one.",
    });
  });
  test("404 (mail off), 429 (the wait) and the rest: above the form", () => {
    expect(changeRequestOutcome(refused(problem(404, "not_found")), to)).toEqual({
      kind: "error",
      text: "Changing your address by mail is not available here, so your address stays as it is.",
    });
    expect(
      changeRequestOutcome(refused(problem(429, "rate_limited", { retryAfter: 90 })), to),
    ).toEqual({ kind: "error", text: "Too many attempts. Try again in 2 minutes." });
    expect(changeRequestOutcome(refused(problem(0, "network_error")), to)).toMatchObject({
      kind: "error",
    });
    expect(changeRequestOutcome(refused(problem(401, "unauthenticated")), to)).toEqual({
      kind: "error",
      text: "You are not signed in. Sign in and try again.",
    });
  });
  test("a field code a newer backend adds falls back to the general sentence or the server's", () => {
    expect(newEmailFieldMessage({ code: "too_long", message: "x" })).toBe("This is too long.");
    expect(newEmailFieldMessage({ code: "brand_new" as "too_long", message: "Not today" })).toBe(
      "Not today.",
    );
    expect(newEmailFieldMessage({ code: "constructor" as "too_long", message: "" })).toBe(
      "This value is not accepted.",
    );
  });
});

describe("what the new address's page shows", () => {
  test("nothing before the fragment is read", () => {
    expect(confirmView({ token: undefined, user, outcome: null })).toBe("reading");
    expect(confirmView({ token: undefined, user: null, outcome: null })).toBe("reading");
  });
  test("signed out with a token: sign in first (the tab keeps it)", () => {
    expect(confirmView({ token, user: null, outcome: null })).toBe("sign-in");
  });
  test("signed in with a token: the button; an error leaves it for another try", () => {
    expect(confirmView({ token, user, outcome: null })).toBe("confirm");
    const error: ConfirmOutcome = { kind: "error", message: "Try again in 5 seconds." };
    expect(confirmView({ token, user, outcome: error })).toBe("confirm");
  });
  test("changed: said once it is", () => {
    const done: ConfirmOutcome = { kind: "changed", email: "ada@new.example.com" };
    expect(confirmView({ token, user, outcome: done })).toBe("changed");
    expect(confirmView({ token: null, user, outcome: done })).toBe("changed");
  });
  test("no usable token: incomplete, signed in or not", () => {
    expect(confirmView({ token: null, user: null, outcome: null })).toBe("incomplete");
    expect(confirmView({ token: null, user, outcome: null })).toBe("incomplete");
  });
  test("a refused link, and another account's, while signed in", () => {
    const no: ConfirmOutcome = { kind: "refused", message: "x" };
    expect(confirmView({ token, user, outcome: no })).toBe("refused");
    // The tab forgot the refused token: what was said stays.
    expect(confirmView({ token: null, user, outcome: no })).toBe("refused");
    const other: ConfirmOutcome = { kind: "other-account" };
    expect(confirmView({ token, user, outcome: other })).toBe("other-account");
    // Signed out since: the page asks for a sign-in again.
    expect(confirmView({ token, user: null, outcome: other })).toBe("sign-in");
  });
});

describe("a refused confirmation", () => {
  test("used, expired, or the address taken meanwhile: says which", () => {
    expect(confirmOutcome(problem(400, "invalid_link"), true)).toEqual({
      kind: "refused",
      message:
        "This link cannot be used: it was already used, a newer link replaced it, or it was not copied whole.",
    });
    expect(confirmOutcome(problem(400, "link_expired"), true)).toEqual({
      kind: "refused",
      message: "This link has expired: a link to confirm a new address works for 24 hours.",
    });
    expect(confirmOutcome(problem(409, "email_taken"), true)).toEqual({
      kind: "refused",
      message:
        "Another account started using this address after the link was sent, so your address was not changed.",
    });
  });
  test("a token the backend cannot read is a link cut short", () => {
    const unreadable = problem(422, "validation_failed", {
      errors: [{ field: "token", code: "required", message: "token is required" }],
    });
    expect(confirmOutcome(unreadable, true)).toMatchObject({ kind: "refused" });
  });
  test("401: another account's link while still signed in; otherwise signed out", () => {
    expect(confirmOutcome(problem(401, "unauthenticated"), true)).toEqual({
      kind: "other-account",
    });
    expect(confirmOutcome(problem(401, "unauthenticated"), false)).toBeNull();
  });
  test("mail off, the wait and anything else leave the button for another try", () => {
    expect(confirmOutcome(problem(404, "not_found"), true)).toEqual({
      kind: "error",
      message:
        "Changing your address by mail is not available here, so your address stays as it is.",
    });
    expect(confirmOutcome(problem(429, "rate_limited", { retryAfter: 30 }), true)).toEqual({
      kind: "error",
      message: "Too many attempts. Try again in 30 seconds.",
    });
    expect(confirmOutcome(problem(0, "network_error"), true)).toMatchObject({ kind: "error" });
  });
  test("the sign-in link comes back to this page", () => {
    expect(confirmEmailSignInHref).toBe("/login?redirect_to=%2Fconfirm-email");
  });
});
