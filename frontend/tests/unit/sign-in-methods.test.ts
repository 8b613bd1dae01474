import { describe, expect, test } from "bun:test";
import {
  afterProofNotice,
  isLastWayIn,
  lastWayInReason,
  linkAction,
  parseProofKey,
  proofKey,
  proofPurpose,
  providerName,
  reauthenticateAction,
  reconfirmedAt,
  sessionMethodText,
  type ProofFor,
} from "@/lib/sign-in-methods";

const providers = [
  { id: "google", name: "Google" },
  { id: "discord", name: "Discord" },
];
const name = (id: string) => providerName(id, providers);
const fullSentence = /^[A-Z].*[.!?]$/;

describe("the last way in", () => {
  test("the only method left is the last; with another beside it, neither is", () => {
    expect(isLastWayIn(["password"], "password")).toBe(true);
    expect(isLastWayIn(["google"], "google")).toBe(true);
    expect(isLastWayIn(["password", "google"], "password")).toBe(false);
    expect(isLastWayIn(["password", "google"], "google")).toBe(false);
    expect(isLastWayIn(["google", "discord"], "discord")).toBe(false);
  });
  test("passkeys are one way in, however many there are", () => {
    expect(isLastWayIn(["passkey"], "passkey")).toBe(true);
    expect(isLastWayIn(["password", "passkey"], "password")).toBe(false);
    expect(isLastWayIn(["google", "passkey"], "google")).toBe(false);
    expect(isLastWayIn(["google", "passkey"], "passkey")).toBe(false);
  });
  test("a method the account does not have is never its last", () => {
    expect(isLastWayIn(["password"], "google")).toBe(false);
    expect(isLastWayIn([], "password")).toBe(false);
  });
  test("the reason says why and what to do first, in full sentences", () => {
    const neither = { canLinkAnother: false, canAddPasskey: false };
    const link = { canLinkAnother: true, canAddPasskey: false };
    const both = { canLinkAnother: true, canAddPasskey: true };
    expect(lastWayInReason("password", "Password", link)).toBe(
      "Your password is your only way to sign in, so it cannot be removed. Link a provider first.",
    );
    expect(lastWayInReason("password", "Password", both)).toBe(
      "Your password is your only way to sign in, so it cannot be removed. Link a provider or add a passkey first.",
    );
    expect(lastWayInReason("password", "Password", { ...neither, canAddPasskey: true })).toBe(
      "Your password is your only way to sign in, so it cannot be removed. Add a passkey first.",
    );
    // Nothing left to link or add: nothing to suggest but the fact.
    expect(lastWayInReason("password", "Password", neither)).toBe(
      "Your password is your only way to sign in, so it cannot be removed.",
    );
    expect(lastWayInReason("google", "Google", link)).toBe(
      "Google is your only way to sign in, so it cannot be unlinked. Set a password or link another provider first.",
    );
    expect(lastWayInReason("google", "Google", both)).toBe(
      "Google is your only way to sign in, so it cannot be unlinked. Set a password, link another provider or add a passkey first.",
    );
    expect(lastWayInReason("google", "Google", neither)).toContain("Set a password first.");
    expect(lastWayInReason("passkey", "Chrome on Linux", both)).toBe(
      "This passkey is your only way to sign in, so it cannot be removed. Set a password, link a provider or add another passkey first.",
    );
    expect(lastWayInReason("passkey", "Chrome on Linux", neither)).toBe(
      "This passkey is your only way to sign in, so it cannot be removed. Set a password first.",
    );
  });
});

describe("how a session signed in", () => {
  test("a password, a provider by its name, and a session from before it was recorded", () => {
    expect(sessionMethodText("password", providers)).toBe("Signed in with password");
    expect(sessionMethodText("google", providers)).toBe("Signed in with Google");
    expect(sessionMethodText("discord", providers)).toBe("Signed in with Discord");
    expect(sessionMethodText("unknown", providers)).toBe("Signed in before this was recorded");
    // A mail's reset link signs the browser in: said in words, never as its id.
    expect(sessionMethodText("password_reset", providers)).toBe(
      "Signed in by resetting the password",
    );
    // A provider no longer configured has no name here: its id says which.
    expect(sessionMethodText("github", providers)).toBe("Signed in with github");
    expect(sessionMethodText("passkey", providers)).toBe("Signed in with a passkey");
  });
  test("a confirmation is shown only when it came after the sign-in", () => {
    const created_at = "2026-01-05T10:00:00.000Z";
    expect(reconfirmedAt({ created_at, authenticated_at: "2026-01-05T10:00:00.004Z" })).toBeNull();
    expect(reconfirmedAt({ created_at, authenticated_at: "2026-01-05T10:20:00Z" })).toBe(
      "2026-01-05T10:20:00Z",
    );
    expect(reconfirmedAt({ created_at, authenticated_at: "not a date" })).toBeNull();
  });
});

describe("the change that waits for a proof", () => {
  const changes: ProofFor[] = [
    { kind: "unlink", provider: "google" },
    { kind: "link", provider: "discord" },
    { kind: "remove-password" },
    { kind: "set-password" },
    { kind: "change-email" },
    { kind: "add-passkey" },
    { kind: "remove-passkey" },
  ];
  test("each change survives the trip through a URL word", () => {
    expect(changes.map(proofKey)).toEqual([
      "unlink.google",
      "link.discord",
      "remove-password",
      "set-password",
      "change-email",
      "add-passkey",
      "remove-passkey",
    ]);
    for (const change of changes) expect(parseProofKey(proofKey(change))).toEqual(change);
    // The passkey's name is said in the dialog, never carried in a URL.
    expect(proofKey({ kind: "remove-passkey", name: "Work laptop" })).toBe("remove-passkey");
  });
  test("anything else names no change", () => {
    for (const other of [null, undefined, "", "1", "unlink.", "unlink.Google", "drop.google"])
      expect(parseProofKey(other)).toBeNull();
    expect(parseProofKey("unlink.<script>")).toBeNull();
    expect(parseProofKey(`link.${"a".repeat(33)}`)).toBeNull();
  });
  test("the provider's form returns to the account page, which names the change", () => {
    const action = reauthenticateAction("google", { kind: "unlink", provider: "discord" });
    expect(action).toBe(
      "/api/auth/google/reauthenticate?redirect_to=%2Faccount%3Freauthenticated%3Dunlink.discord",
    );
    const back = new URL(action, "http://site.example").searchParams.get("redirect_to");
    expect(back).toBe("/account?reauthenticated=unlink.discord");
    expect(linkAction("discord")).toBe("/api/auth/discord/link?redirect_to=/account");
  });
  test("the dialog says what the proof is for; back from a provider, what to do again", () => {
    expect(proofPurpose({ kind: "unlink", provider: "google" }, name)).toBe(
      "To unlink Google, confirm it's you.",
    );
    expect(afterProofNotice({ kind: "unlink", provider: "google" }, name)).toBe(
      "You confirmed it's you. Press Unlink beside Google again to finish.",
    );
    expect(afterProofNotice({ kind: "link", provider: "discord" }, name)).toBe(
      "You confirmed it's you. Press Link Discord again to finish.",
    );
    expect(proofPurpose({ kind: "change-email" }, name)).toBe(
      "To change your address, confirm it's you.",
    );
    expect(afterProofNotice({ kind: "change-email" }, name)).toBe(
      "You confirmed it's you. Press Change email and send the link again to finish.",
    );
    expect(proofPurpose({ kind: "remove-passkey", name: "Work laptop" }, name)).toBe(
      "To remove the passkey \u201cWork laptop\u201d, confirm it's you.",
    );
    expect(proofPurpose({ kind: "add-passkey" }, name)).toBe("To add a passkey, confirm it's you.");
    expect(afterProofNotice({ kind: "add-passkey" }, name)).toBe(
      "You confirmed it's you. Press Add a passkey again to finish.",
    );
    expect(afterProofNotice(null, name)).toBe(
      "You confirmed it's you. You can now make the change you started.",
    );
    const all = [
      ...changes.map((c) => proofPurpose(c, name)),
      ...[...changes, null].map((c) => afterProofNotice(c, name)),
    ];
    for (const sentence of all) expect(sentence).toMatch(fullSentence);
    expect(new Set(all).size).toBe(all.length);
  });
});
