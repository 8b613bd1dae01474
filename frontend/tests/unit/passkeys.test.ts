import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { makeClient, type Problem } from "@/lib/api";
import {
  maxPasskeyNameLength,
  passkeyAdd,
  passkeyConfirm,
  passkeyFailureMessage,
  passkeyNameFieldMessage,
  passkeyNameProblem,
  passkeySignIn,
  passkeyStorage,
  type PasskeyFailure,
  type PasskeyTask,
} from "@/lib/passkeys";

const tasks: PasskeyTask[] = ["sign-in", "add", "confirm"];
const fullSentence = /^[A-Z].*[.!?]$/;

const problem = (status: number, code: string, extra: Partial<Problem> = {}): Problem => ({
  type: "about:blank",
  title: "t",
  status,
  code: code as Problem["code"],
  detail: "server text",
  ...extra,
});
const refused = (p: Problem, step: "start" | "finish" = "finish"): PasskeyFailure => ({
  kind: "problem",
  problem: p,
  step,
});
const browser = (name: string): PasskeyFailure => ({ kind: "browser", name });

describe("what a ceremony that did not finish says", () => {
  test("nothing when the page stopped it itself", () => {
    for (const task of tasks) expect(passkeyFailureMessage({ kind: "aborted" }, task)).toBeNull();
  });
  test("cancelled, timed out or not allowed: said for each task, with what to do", () => {
    expect(passkeyFailureMessage(browser("NotAllowedError"), "sign-in")).toBe(
      "No passkey was used: the request was cancelled, timed out or not allowed. Try again, or sign in another way.",
    );
    expect(passkeyFailureMessage(browser("NotAllowedError"), "add")).toBe(
      "No passkey was added: the request was cancelled, timed out or not allowed. You can try again.",
    );
    expect(passkeyFailureMessage(browser("NotAllowedError"), "confirm")).toContain(
      "confirm it's you another way",
    );
  });
  test("a device that already has a passkey for the account, only when adding", () => {
    expect(passkeyFailureMessage(browser("InvalidStateError"), "add")).toBe(
      "This device already has a passkey for your account, so nothing was added. To add another, use another device or password manager.",
    );
    expect(passkeyFailureMessage(browser("InvalidStateError"), "sign-in")).toContain(
      "your browser could not finish the request",
    );
  });
  test("another address than the site's; anything else the browser throws", () => {
    for (const task of tasks) {
      expect(passkeyFailureMessage(browser("SecurityError"), task)).toContain("at this address");
      expect(passkeyFailureMessage(browser("UnknownError"), task)).toContain(
        "your browser could not finish the request",
      );
      expect(passkeyFailureMessage(browser("TypeError"), task)).toMatch(fullSentence);
    }
    expect(passkeyFailureMessage(browser("NotSupportedError"), "add")).toContain("This device");
  });
  test("a passkey refused by the server, in each task's words", () => {
    const rejected = (status: number) => refused(problem(status, "passkey_rejected"));
    expect(passkeyFailureMessage(rejected(401), "sign-in")).toContain("sign in another way");
    expect(passkeyFailureMessage(rejected(400), "add")).toContain("Try another device");
    expect(passkeyFailureMessage(rejected(401), "confirm")).toContain("this account's passkeys");
    expect(passkeyFailureMessage(refused(problem(409, "passkey_exists")), "add")).toContain(
      "already on an account",
    );
  });
  test("a ceremony too old or used: try again; passkeys off or none to confirm with", () => {
    for (const task of tasks)
      expect(passkeyFailureMessage(refused(problem(400, "invalid_ceremony")), task)).toBe(
        "That passkey request took too long or was already used. Please try again.",
      );
    expect(passkeyFailureMessage(refused(problem(404, "not_found"), "start"), "confirm")).toBe(
      "This account has no passkey to confirm it's you with. Confirm it another way.",
    );
    expect(passkeyFailureMessage(refused(problem(404, "not_found"), "start"), "sign-in")).toContain(
      "not available here",
    );
  });
  test("too many refusals: the wait", () => {
    const limited = problem(429, "rate_limited", { retryAfter: 90 });
    expect(passkeyFailureMessage(refused(limited), "sign-in")).toBe(
      "Too many attempts. Try again in 2 minutes.",
    );
  });
  test("every sentence is a full one", () => {
    const failures = [
      ...["NotAllowedError", "AbortError", "SecurityError", "InvalidStateError"].map(browser),
      ...["NotSupportedError", "ConstraintError", "UnknownError"].map(browser),
      ...["passkey_rejected", "invalid_ceremony", "passkey_exists", "not_found"].map((code) =>
        refused(problem(400, code)),
      ),
    ];
    for (const task of tasks)
      for (const failure of failures)
        expect(passkeyFailureMessage(failure, task)).toMatch(fullSentence);
  });
});

describe("a passkey's name", () => {
  test("may be left empty when adding, not when renaming", () => {
    expect(passkeyNameProblem("", false)).toBeNull();
    expect(passkeyNameProblem("  ", false)).toBeNull();
    expect(passkeyNameProblem(" ", true)).toBe("Enter a name for the passkey.");
  });
  test("at most 64 characters (code points), after trimming", () => {
    expect(passkeyNameProblem("a".repeat(maxPasskeyNameLength), true)).toBeNull();
    expect(passkeyNameProblem(` ${"a".repeat(maxPasskeyNameLength)} `, true)).toBeNull();
    expect(passkeyNameProblem("😀".repeat(maxPasskeyNameLength), true)).toBeNull();
    expect(passkeyNameProblem("a".repeat(65), true)).toBe(
      "Shorten the name to at most 64 characters (it has 65).",
    );
  });
  test("under the rules of a person's name", () => {
    expect(passkeyNameProblem("Work laptop 👩🏽‍💻", true)).toBeNull();
    expect(passkeyNameProblem("YubiKey\u202Eevil", true)).toBe(
      "Remove invisible or control characters from the name.",
    );
    expect(passkeyNameProblem("\u3164", true)).toBe(
      "The name needs at least one letter, digit or other visible character.",
    );
  });
  test("the server's refusals, beside the field", () => {
    expect(passkeyNameFieldMessage({ code: "too_long", message: "" })).toBe(
      "Shorten the name to at most 64 characters.",
    );
    expect(passkeyNameFieldMessage({ code: "required", message: "" })).toBe(
      "Enter a name for the passkey.",
    );
    expect(passkeyNameFieldMessage({ code: "invalid_characters", message: "" })).toContain(
      "invisible",
    );
  });
  test("where it lives", () => {
    expect(passkeyStorage({ backed_up: true })).toBe("Synced");
    expect(passkeyStorage({ backed_up: false })).toBe("This device only");
  });
});

type Sent = { path: string; body: unknown };
let sent: Sent[] = [];
let asked: { kind: string; options: unknown }[] = [];
const realFetch = globalThis.fetch;
const answerOf = { id: "Bw", toJSON: () => ({ id: "Bw", type: "public-key" }) };

function backend(answers: Record<string, [number, unknown]>) {
  globalThis.fetch = (async (input: Request) => {
    const path = new URL(input.url).pathname;
    const text = await input.text();
    sent.push({ path, body: text ? JSON.parse(text) : undefined });
    const [status, body] = answers[path] ?? [404, { code: "not_found", detail: "no" }];
    const type = status < 400 ? "application/json" : "application/problem+json";
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": type },
    });
  }) as unknown as typeof fetch;
}

function browserAnswers(answer: (kind: string) => Promise<unknown>) {
  Object.defineProperty(globalThis.navigator, "credentials", {
    configurable: true,
    value: {
      get: (options: unknown) => (asked.push({ kind: "get", options }), answer("get")),
      create: (options: unknown) => (asked.push({ kind: "create", options }), answer("create")),
    },
  });
}

const started = { ceremony: "sealed", publicKey: { challenge: "AQID", rpId: "localhost" } };
/** A client made after `backend()` replaced fetch (a client keeps the fetch it was made with). */
const client = () => makeClient("http://backend.test");

beforeEach(() => {
  sent = [];
  asked = [];
});
afterEach(() => {
  globalThis.fetch = realFetch;
  Reflect.deleteProperty(globalThis.navigator, "credentials");
});

describe("the ceremonies with the backend", () => {
  test("a sign-in from the autofill sends the ceremony and the browser's answer", async () => {
    const user = { id: "u", email: "ada@example.com" };
    backend({
      "/api/auth/passkeys/login/start": [200, started],
      "/api/auth/passkeys/login/finish": [200, { user }],
    });
    browserAnswers(async () => answerOf);
    let chosen = 0;
    const result = await passkeySignIn({
      conditional: true,
      onChosen: () => chosen++,
      client: client(),
    });
    expect(result).toEqual({ ok: true, data: { user } } as never);
    expect(chosen).toBe(1);
    expect((asked[0]?.options as { mediation?: string }).mediation).toBe("conditional");
    expect(sent[1]).toEqual({
      path: "/api/auth/passkeys/login/finish",
      body: { ceremony: "sealed", credential: { id: "Bw", type: "public-key" } },
    });
  });
  test("the button's sign-in asks the browser's dialog, not the autofill", async () => {
    backend({ "/api/auth/passkeys/login/start": [200, started] });
    browserAnswers(async () => {
      throw new DOMException("cancelled", "NotAllowedError");
    });
    const result = await passkeySignIn({ client: client() });
    expect(asked[0]?.options).not.toHaveProperty("mediation");
    expect(result).toEqual({ ok: false, failure: { kind: "browser", name: "NotAllowedError" } });
    expect(sent.map((s) => s.path)).toEqual(["/api/auth/passkeys/login/start"]);
  });
  test("stopped by the page: aborted, whatever the browser threw", async () => {
    backend({ "/api/auth/passkeys/login/start": [200, started] });
    const controller = new AbortController();
    browserAnswers(async () => {
      controller.abort();
      throw new DOMException("stopped", "AbortError");
    });
    const result = await passkeySignIn({
      conditional: true,
      signal: controller.signal,
      client: client(),
    });
    expect(result).toEqual({ ok: false, failure: { kind: "aborted" } });
  });
  test("a refusal says which step refused it", async () => {
    backend({
      "/api/auth/passkeys/reauthenticate/start": [200, started],
      "/api/auth/passkeys/reauthenticate/finish": [
        401,
        { code: "passkey_rejected", detail: "no", status: 401 },
      ],
    });
    browserAnswers(async () => answerOf);
    const result = await passkeyConfirm(client());
    expect(result.ok).toBe(false);
    if (!result.ok && result.failure.kind === "problem") {
      expect(result.failure.step).toBe("finish");
      expect(result.failure.problem.code).toBe("passkey_rejected");
    }
    backend({});
    const none = await passkeyConfirm(client());
    expect(!none.ok && none.failure.kind === "problem" && none.failure.step).toBe("start");
  });
  test("adding sends the trimmed name, or none so the server names it", async () => {
    const passkey = { id: "p", name: "Work laptop", backed_up: false };
    const options = {
      rp: { name: "Yoshikosan" },
      user: { id: "AQID", name: "ada@example.com", displayName: "Ada" },
      challenge: "BAUG",
      pubKeyCredParams: [{ type: "public-key", alg: -7 }],
    };
    backend({
      "/api/auth/passkeys/register/start": [200, { ceremony: "sealed", publicKey: options }],
      "/api/auth/passkeys/register/finish": [201, passkey],
    });
    browserAnswers(async () => answerOf);
    expect(await passkeyAdd("  Work laptop ", client())).toEqual({
      ok: true,
      data: passkey,
    } as never);
    expect(asked[0]?.kind).toBe("create");
    expect(sent[1]?.body).toEqual({
      ceremony: "sealed",
      credential: { id: "Bw", type: "public-key" },
      name: "Work laptop",
    });
    await passkeyAdd(" ", client());
    expect(sent[3]?.body).not.toHaveProperty("name");
  });
});
