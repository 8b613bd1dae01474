// The typed API client: shapes come from lib/api-schema.d.ts, generated from the backend's own
// OpenAPI document (`bun run api:generate`), never written by hand.
import createClient from "openapi-fetch";
import type { components, paths } from "./api-schema";
import type { LocalProblemCode, ProblemCode } from "./codes";
import { asSentence, problemCodeMessage, waitTime } from "./messages";

export type { FieldErrorCode, LocalProblemCode, OAuthErrorCode, ProblemCode } from "./codes";

export type User = components["schemas"]["UserResponse"];
export type Session = components["schemas"]["SessionResponse"];
export type Provider = components["schemas"]["ProviderResponse"];
export type Passkey = components["schemas"]["PasskeyResponse"];
export type PasswordPolicy = components["schemas"]["PasswordPolicyResponse"];
export type FieldProblem = components["schemas"]["FieldProblem"];
/** A failed call: the backend's problem document, or one made here when there was none. */
export type Problem = Omit<components["schemas"]["Problem"], "code"> & {
  code: ProblemCode | LocalProblemCode;
  /** Seconds to wait, from `Retry-After` on 429. */
  retryAfter?: number;
};

export type ApiResult<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/** Same-origin in the browser ("" base); the server passes the backend's own address. */
export function makeClient(baseUrl = "", headers?: HeadersInit) {
  return createClient<paths>({ baseUrl, credentials: "include", headers });
}

export type ApiClient = ReturnType<typeof makeClient>;

export const api = makeClient(process.env.NEXT_PUBLIC_API_URL ?? "");

function isProblem(value: unknown): value is components["schemas"]["Problem"] {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.detail === "string";
}

function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Turns any failed response into a Problem: the backend's problem+json as is, anything else
 * (a proxy's HTML error page, an empty body) into a generic one that never shows raw bodies.
 */
export function toProblem(error: unknown, response: Response): Problem {
  const base: Problem = isProblem(error)
    ? { ...error }
    : {
        type: "about:blank",
        title: response.statusText || "Error",
        status: response.status,
        code: response.status >= 500 ? "unavailable" : "unexpected_response",
        detail:
          response.status >= 500
            ? "The service is unavailable right now. Please try again in a moment."
            : "Something went wrong. Please try again.",
      };
  if (response.status === 429) base.retryAfter = retryAfterSeconds(response);
  return base;
}

export const networkProblem: Problem = {
  type: "about:blank",
  title: "Network error",
  status: 0,
  code: "network_error",
  detail: "Could not reach the server. Check your connection and try again.",
};

/** Awaits an openapi-fetch call and folds network failures and error bodies into one result. */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<ApiResult<T>> {
  try {
    const { data, error, response } = await request;
    if (response.ok) return { ok: true, data: data as T };
    return { ok: false, problem: toProblem(error, response) };
  } catch {
    return { ok: false, problem: networkProblem };
  }
}

/** The message for a failed call: the wait time for 429, the page's own sentence for some codes. */
export function problemMessage(problem: Problem): string {
  if (problem.status === 429) {
    const wait = problem.retryAfter;
    if (wait === undefined) return "Too many attempts. Please wait a moment and try again.";
    return `Too many attempts. Try again in ${waitTime(wait)}.`;
  }
  return problemCodeMessage(problem.code) ?? asSentence(problem.detail);
}

/** Field errors of a 422, keyed by field name (first message wins). */
export function fieldErrors(problem: Problem): Record<string, FieldProblem> {
  const out: Record<string, FieldProblem> = {};
  for (const e of problem.errors ?? []) out[e.field] ??= e;
  return out;
}
