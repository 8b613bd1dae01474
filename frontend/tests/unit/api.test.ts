import { afterEach, describe, expect, test } from "bun:test";
import { call, fieldErrors, makeClient, problemMessage, toProblem } from "@/lib/api";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function answer(status: number, body: string, headers: Record<string, string> = {}) {
  globalThis.fetch = (async () =>
    new Response(body, { status, headers })) as unknown as typeof fetch;
}
const problem = (fields: object) => JSON.stringify({ type: "about:blank", title: "t", ...fields });
const client = () => makeClient("http://backend.test");

describe("call", () => {
  test("returns the data of a success", async () => {
    answer(
      200,
      JSON.stringify({ password: true, email_links: true, passkeys: true, providers: [] }),
      {
        "content-type": "application/json",
      },
    );
    const result = await call(client().GET("/api/auth/providers"));
    expect(result).toEqual({
      ok: true,
      data: { password: true, email_links: true, passkeys: true, providers: [] },
    });
  });

  test("keeps the backend's problem+json: code, detail and field errors", async () => {
    answer(
      422,
      problem({
        status: 422,
        code: "validation_failed",
        detail: "Some fields are invalid",
        errors: [{ field: "password", code: "too_common", message: "too common" }],
      }),
      { "content-type": "application/problem+json" },
    );
    const result = await call(
      client().POST("/api/auth/register", {
        body: { email: "a@b.co", name: "A", password: "password" },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.code).toBe("validation_failed");
    // The page's own words, not the server's "request".
    expect(problemMessage(result.problem)).toBe(
      "Some of what you entered was not accepted. Check the form and try again.",
    );
    expect(fieldErrors(result.problem).password?.code).toBe("too_common");
  });

  test("429 carries the Retry-After wait into the message", async () => {
    answer(429, problem({ status: 429, code: "rate_limited", detail: "Too many requests" }), {
      "content-type": "application/problem+json",
      "retry-after": "120",
    });
    const result = await call(
      client().POST("/api/auth/login", { body: { email: "a@b.co", password: "x" } }),
    );
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.retryAfter).toBe(120);
    expect(problemMessage(result.problem)).toBe("Too many attempts. Try again in 2 minutes.");
  });

  test("a refused cross-site request tells the person what to do, not the Origin rule", async () => {
    answer(
      403,
      problem({
        status: 403,
        code: "csrf_rejected",
        detail: "Cross-site request refused: the Origin is not allowed",
      }),
      { "content-type": "application/problem+json" },
    );
    const result = await call(
      client().POST("/api/auth/login", { body: { email: "a@b.co", password: "x" } }),
    );
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.code).toBe("csrf_rejected");
    expect(problemMessage(result.problem)).toBe(
      "This page was opened from an address this service does not accept. Open the site at its usual address and try again.",
    );
  });

  test("a code whose detail is for a person shows the detail, as a full sentence", async () => {
    answer(
      401,
      problem({
        status: 401,
        code: "invalid_credentials",
        detail: "Email or password is incorrect",
      }),
      { "content-type": "application/problem+json" },
    );
    const result = await call(
      client().POST("/api/auth/login", { body: { email: "a@b.co", password: "x" } }),
    );
    if (result.ok) throw new Error("expected a failure");
    expect(problemMessage(result.problem)).toBe("Email or password is incorrect.");
  });

  test("a code this build does not know (a newer backend's) shows the server's detail", async () => {
    answer(409, problem({ status: 409, code: "something_new", detail: "Not this time" }), {
      "content-type": "application/problem+json",
    });
    const result = await call(client().GET("/api/auth/me"));
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.code as string).toBe("something_new");
    expect(problemMessage(result.problem)).toBe("Not this time.");
  });

  test("email_taken says so in the page's words", async () => {
    answer(
      409,
      problem({
        status: 409,
        code: "email_taken",
        detail: "An account with this email already exists",
      }),
      { "content-type": "application/problem+json" },
    );
    const result = await call(
      client().POST("/api/auth/register", {
        body: { email: "a@b.co", name: "A", password: "violet-harbour-42" },
      }),
    );
    if (result.ok) throw new Error("expected a failure");
    expect(problemMessage(result.problem)).toBe("An account with this email already exists.");
  });

  test("a non-problem body (a proxy's HTML page) becomes a generic problem, never shown raw", async () => {
    answer(502, "<html>Bad Gateway</html>", { "content-type": "text/html" });
    const result = await call(client().GET("/api/auth/me"));
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.code).toBe("unavailable");
    expect(problemMessage(result.problem)).not.toContain("<html>");
  });

  test("a non-problem 4xx is an unexpected response, with a generic sentence", async () => {
    answer(404, "Not Found", { "content-type": "text/plain" });
    const result = await call(client().GET("/api/auth/me"));
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.code).toBe("unexpected_response");
    expect(problemMessage(result.problem)).toBe("Something went wrong. Please try again.");
  });

  test("a network failure is a problem, not a thrown error", async () => {
    globalThis.fetch = (async () => {
      throw new TypeError("fetch failed");
    }) as unknown as typeof fetch;
    const result = await call(client().GET("/api/auth/me"));
    if (result.ok) throw new Error("expected a failure");
    expect(result.problem.code).toBe("network_error");
  });
});

describe("toProblem", () => {
  test("seconds under a minute are spelled as seconds", () => {
    const p = toProblem(
      { code: "rate_limited", detail: "x", status: 429, title: "t", type: "about:blank" },
      new Response(null, { status: 429, headers: { "retry-after": "1" } }),
    );
    expect(problemMessage(p)).toBe("Too many attempts. Try again in 1 second.");
  });
});
