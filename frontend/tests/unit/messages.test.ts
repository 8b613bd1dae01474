import { describe, expect, test } from "bun:test";
import type { FieldErrorCode, OAuthErrorCode, Problem, ProblemCode } from "@/lib/api";
import {
  accountNotice,
  asSentence,
  changeEmailOtherAccount,
  changeEmailRefusals,
  changeEmailSent,
  changeEmailSignInFirst,
  changeEmailUnavailable,
  changeLinkRefusals,
  emailChanged,
  fieldErrorMessage,
  fieldErrorSentences,
  oauthErrorMessage,
  mailLinksUnavailable,
  newEmailFieldSentences,
  oauthErrors,
  problemCodeMessage,
  problemSentences,
  resetLinkSent,
  signInNotice,
  verificationMailSent,
  verificationMailWait,
  verifyLinkRefusals,
  verifyMailUnavailable,
  verifyOtherAccount,
  verifySignInFirst,
  waitTime,
} from "@/lib/messages";

// The tables are typed Record<Code, …>, so tsc fails when the backend publishes a code without
// an entry; these are the codes as this build knows them.
const oauthCodes = Object.keys(oauthErrors) as OAuthErrorCode[];
const fieldCodes = Object.keys(fieldErrorSentences) as FieldErrorCode[];
const problemCodes = Object.keys(problemSentences) as ProblemCode[];
const fullSentence = /^[A-Z].*[.!?]$/;
// What a newer backend may send: a code this build has no entry for.
const newerFieldCode = "new_rule" as FieldErrorCode;
const newerProblemCode = "new_problem" as Problem["code"];

describe("OAuth error sentences", () => {
  test.each(oauthCodes)("%s reads as a sentence, not a code", (code) => {
    const message = oauthErrorMessage(code);
    expect(message).not.toBeNull();
    expect(message).not.toContain(code);
    expect(message).toMatch(fullSentence);
  });
  test("each code has its own sentence", () => {
    expect(oauthCodes).toContain("session_expired");
    expect(new Set(oauthCodes.map(oauthErrorMessage)).size).toBe(oauthCodes.length);
  });
  test("the codes of unlinking and re-authentication have their own sentences", () => {
    expect(oauthCodes).toEqual(
      expect.arrayContaining([
        "identity_unlinked",
        "reauthentication_failed",
        "reauthentication_required",
      ]),
    );
    expect(oauthErrorMessage("identity_unlinked")).toContain("Sign in another way");
    expect(oauthErrorMessage("reauthentication_failed")).toContain("did not confirm it's you");
  });
  test("a link made under the provider's former issuer says to use another way or ask the site", () => {
    expect(oauthCodes).toContain("issuer_changed");
    const message = oauthErrorMessage("issuer_changed");
    expect(message).toContain("settings for that provider have changed");
    expect(message).toContain("Use another way to sign in, or ask the site's administrator.");
    // Not the sentence of an identity its owner unlinked: relinking would not help here.
    expect(message).not.toContain("link it again");
  });
  test("no code, no message; an unknown code gets a generic sentence, never itself", () => {
    const generic = "Something went wrong with the provider. Please try again.";
    expect(oauthErrorMessage(null)).toBeNull();
    expect(oauthErrorMessage("")).toBeNull();
    expect(oauthErrorMessage("<script>")).toBe(generic);
    expect(oauthErrorMessage("something_new")).toBe(generic);
    // Not a code, though every object has it.
    expect(oauthErrorMessage("constructor")).toBe(generic);
  });
});

describe("field error sentences", () => {
  test("known codes", () => {
    expect(fieldErrorMessage("too_common")).toContain("too common");
    expect(fieldErrorMessage("contains_email")).toContain("email");
    expect(fieldErrorMessage("same_as_current")).toBe(
      "The new password is the same as your current one. Choose a different one.",
    );
  });
  test("every published code has a full sentence of its own, preferred to the server's", () => {
    expect(fieldCodes).toContain("same_as_current");
    expect(fieldCodes).toContain("invalid_type");
    for (const code of fieldCodes) {
      const message = fieldErrorMessage(code, "server text");
      expect(message).toMatch(fullSentence);
      expect(message).not.toBe("server text.");
    }
    expect(new Set(fieldCodes.map((code) => fieldErrorMessage(code))).size).toBe(fieldCodes.length);
  });
  test("email_taken is a problem code, not a field code", () => {
    expect(fieldCodes).not.toContain("email_taken" as FieldErrorCode);
    expect(problemCodeMessage("email_taken")).toBe("An account with this email already exists.");
  });
  test("unknown codes fall back to the server's message", () => {
    expect(fieldErrorMessage(newerFieldCode, "Server says no")).toBe("Server says no.");
    expect(fieldErrorMessage(newerFieldCode, "Server says no!")).toBe("Server says no!");
    expect(fieldErrorMessage(newerFieldCode)).toBe("This value is not accepted.");
    expect(fieldErrorMessage("constructor" as FieldErrorCode, "Server says no")).toBe(
      "Server says no.",
    );
  });
});

describe("problem sentences", () => {
  test("csrf_rejected says what to do, not which header was refused", () => {
    const message = problemCodeMessage("csrf_rejected");
    expect(message).toContain("Open the site at its usual address and try again.");
    expect(message).not.toContain("Origin");
  });
  test("a change without a recent proof, and the last way in, say what to do", () => {
    expect(problemCodes).toContain("reauthentication_required");
    expect(problemCodeMessage("reauthentication_required")).toContain("confirm it's you");
    expect(problemCodeMessage("last_sign_in_method")).toContain(
      "Set a password or link a provider first.",
    );
  });
  test("a mail link refused says why, in words of its own for each", () => {
    expect(problemCodes).toEqual(expect.arrayContaining(["invalid_link", "link_expired"]));
    expect(problemCodeMessage("invalid_link")).toContain("already used");
    expect(problemCodeMessage("link_expired")).toContain("expired");
    expect(problemCodeMessage("link_expired")).toContain("30 minutes");
    expect(problemCodeMessage("invalid_link")).not.toBe(problemCodeMessage("link_expired"));
  });
  test("codes whose server detail is for a person keep it", () => {
    expect(problemCodeMessage("invalid_credentials")).toBeUndefined();
    expect(problemCodeMessage("rate_limited")).toBeUndefined();
    expect(problemCodeMessage("unavailable")).toBeUndefined();
  });
  test("the page's own sentences are full sentences, never the code", () => {
    const own = problemCodes.filter((code) => problemSentences[code] !== null);
    expect(own).toContain("csrf_rejected");
    for (const code of own) {
      expect(problemCodeMessage(code)).toMatch(fullSentence);
      expect(problemCodeMessage(code)).not.toContain(code);
    }
  });
  test("codes this build does not know, and the client's own, keep the detail", () => {
    expect(problemCodeMessage(newerProblemCode)).toBeUndefined();
    expect(problemCodeMessage("constructor" as Problem["code"])).toBeUndefined();
    expect(problemCodeMessage("network_error")).toBeUndefined();
    expect(problemCodeMessage("unexpected_response")).toBeUndefined();
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
      ...[...oauthCodes, "something_new"].map((code) => oauthErrorMessage(code) ?? ""),
      ...problemCodes.map((code) => problemCodeMessage(code) ?? "A server detail."),
      ...fieldCodes.map((code) => fieldErrorMessage(code)),
      fieldErrorMessage(newerFieldCode),
      signInNotice({ ended: true, protectedPage: true }) ?? "",
      signInNotice({ ended: false, protectedPage: true }) ?? "",
      signInNotice({ ended: false, protectedPage: false, verifying: true }) ?? "",
      mailLinksUnavailable,
      resetLinkSent,
      accountNotice("password-reset") ?? "",
      verifyMailUnavailable,
      verifySignInFirst,
      ...Object.values(verifyLinkRefusals),
      verificationMailSent("ada@example.com"),
      verificationMailWait(30),
      verificationMailWait(undefined),
      verifyOtherAccount("ada@example.com"),
      signInNotice({ ended: false, protectedPage: false, changingEmail: true }) ?? "",
      changeEmailUnavailable,
      changeEmailSent("ada@new.example.com"),
      ...Object.values(newEmailFieldSentences),
      ...Object.values(changeEmailRefusals),
      changeEmailSignInFirst,
      ...Object.values(changeLinkRefusals),
      emailChanged("ada@new.example.com"),
      changeEmailOtherAccount("ada@example.com"),
    ];
    for (const sentence of own) expect(sentence).toMatch(fullSentence);
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
  test("a verification link's page sends the person here to sign in to the link's account", () => {
    expect(signInNotice({ ended: false, protectedPage: false, verifying: true })).toBe(
      "Sign in to the account the link was sent for, and you'll come back to confirm its address.",
    );
    // An ended session is said first.
    expect(signInNotice({ ended: true, protectedPage: false, verifying: true })).toBe(
      "You were signed out. Sign in again to continue.",
    );
  });
});

describe("the mail pages", () => {
  test("a verification mail asked for an address already verified has its own sentence", () => {
    expect(problemCodes).toContain("already_verified");
    expect(problemCodeMessage("already_verified")).toBe(
      "Your address is already confirmed: there is nothing more to do.",
    );
  });
  test("a verification link's lifetime is its own, not the reset link's", () => {
    expect(verifyLinkRefusals.link_expired).toContain("24 hours");
    expect(verifyLinkRefusals.link_expired).not.toBe(problemCodeMessage("link_expired"));
    expect(verifyLinkRefusals.invalid_link).toBe(problemCodeMessage("invalid_link")!);
  });
  test("the link opened in another account's session names the account that is signed in", () => {
    expect(verifyOtherAccount("ada@example.com")).toContain("not for ada@example.com");
    expect(verifyOtherAccount("ada@example.com")).toContain("nothing was confirmed");
  });
  test("waits in words: seconds under a minute, whole minutes rounded up above", () => {
    expect(waitTime(1)).toBe("1 second");
    expect(waitTime(59)).toBe("59 seconds");
    expect(waitTime(60)).toBe("1 minute");
    expect(waitTime(61)).toBe("2 minutes");
  });
  test("the answer to a reset request never tells whether the address has an account", () => {
    expect(resetLinkSent).toBe(
      "If an account uses this address, we've sent a link to reset its password. It works for 30 minutes.",
    );
  });
  test("the account page's notice after a reset says every other device was signed out", () => {
    expect(accountNotice("password-reset")).toContain("Every other device was signed out.");
    expect(accountNotice(null)).toBeNull();
    expect(accountNotice("")).toBeNull();
    // Anything else in the address shows nothing, never itself.
    expect(accountNotice("<b>hi</b>")).toBeNull();
    expect(accountNotice("constructor")).toBeNull();
  });
});

describe("a change of address", () => {
  test("the login page says why a change of address link's page sent the person there", () => {
    expect(signInNotice({ ended: false, protectedPage: false, changingEmail: true })).toBe(
      "Sign in to the account that asked for the new address, and you'll come back to confirm it.",
    );
    expect(signInNotice({ ended: true, protectedPage: false, changingEmail: true })).toBe(
      "You were signed out. Sign in again to continue.",
    );
  });
  test("sent: where the link went, that nothing changes before it is opened, and for how long", () => {
    expect(changeEmailSent("ada@new.example.com")).toBe(
      "We've sent a link to ada@new.example.com. Your address changes once you open it (it works for 24 hours).",
    );
  });
  test("the account's own address is said as an address, not as the password's same_as_current", () => {
    expect(fieldCodes).toContain("same_as_current");
    expect(newEmailFieldSentences.same_as_current).toContain("already your account's address");
    expect(newEmailFieldSentences.same_as_current).not.toBe(fieldErrorMessage("same_as_current"));
  });
  test("another account's address and mail being off have the form's own words", () => {
    expect(problemCodes).toEqual(expect.arrayContaining(["email_taken", "not_found"]));
    expect(changeEmailRefusals.email_taken).toBe(
      "Another account already uses this address. Enter a different one.",
    );
    expect(changeEmailRefusals.not_found).toBe(changeEmailUnavailable);
  });
  test("a refused link says why, with the change link's own 24 hours", () => {
    expect(changeLinkRefusals.link_expired).toContain("24 hours");
    expect(changeLinkRefusals.link_expired).not.toBe(problemCodeMessage("link_expired"));
    expect(changeLinkRefusals.email_taken).toContain("your address was not changed");
    const all = Object.values(changeLinkRefusals);
    expect(new Set(all).size).toBe(all.length);
  });
  test("done, and another account's link, name the addresses", () => {
    expect(emailChanged("ada@new.example.com")).toBe(
      "Your account's address is now ada@new.example.com.",
    );
    expect(changeEmailOtherAccount("ada@example.com")).toContain("not for ada@example.com");
    expect(changeEmailOtherAccount("ada@example.com")).toContain("nothing was changed");
  });
});
