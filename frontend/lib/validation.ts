// Client-side checks that mirror the backend's rules, so a form can answer before submitting.
// The backend stays the authority: it re-checks everything (and the common-password list).
import type { PasswordPolicy } from "./api";
import { displayNameProblem } from "./display-name";

const encoder = new TextEncoder();

/** Length in characters (Unicode code points), as the backend counts them. */
export function charLength(value: string): number {
  return Array.from(value).length;
}

/** Length in UTF-8 bytes: bcrypt's 72-byte limit is in bytes. */
export function byteLength(value: string): number {
  return encoder.encode(value).length;
}

export function validateEmail(value: string): string | null {
  const email = value.trim();
  if (email === "") return "Enter your email address.";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return "Enter a valid email address.";
  return null;
}

/** The display-name rule (see display-name.ts): a sentence for what is wrong, or null. */
export function validateName(value: string): string | null {
  return displayNameProblem(value)?.message ?? null;
}

/** "server": only the server can tell (checked on submit); "refused": the server said no. */
export type RuleState = "met" | "unmet" | "server" | "refused";
export type RuleCheck = { id: string; description: string; state: RuleState };

/**
 * Ticks each rule of the policy against the password as typed. Rules that need the server
 * (the common-password list, unknown future rules) are marked "server": checked on submit.
 * Without a policy (the backend did not answer) there is nothing to tick: the server checks.
 * `email` null: the account's address is not known here (a reset link's page), so the
 * email rule is the server's too.
 */
export function checkPassword(
  password: string,
  policy: PasswordPolicy | null,
  email: string | null = "",
): RuleCheck[] {
  if (policy === null) return [];
  const lowered = password.toLowerCase();
  const address = (email ?? "").trim().toLowerCase();
  const local = address.split("@")[0] ?? "";
  return policy.rules.map((rule) => {
    let state: RuleState;
    switch (rule.id) {
      case "min_length":
        state = charLength(password) >= policy.min_length ? "met" : "unmet";
        break;
      case "max_bytes":
        state = password !== "" && byteLength(password) <= policy.max_bytes ? "met" : "unmet";
        break;
      case "not_email":
        if (email === null) {
          state = "server";
          break;
        }
        state =
          password !== "" && lowered !== address && (local === "" || lowered !== local)
            ? "met"
            : "unmet";
        break;
      default:
        state = "server";
    }
    return { id: rule.id, description: rule.description, state };
  });
}

// The server's field error codes for a password, and the rules they are about.
const refusedRules: Record<string, string> = {
  too_short: "min_length",
  too_long: "max_bytes",
  contains_email: "not_email",
  too_common: "not_common",
};

/**
 * Marks the rule behind a server's refusal (a field error code) as "refused"; a code that is
 * itself a rule's id marks that rule. Checks of no refused rule are returned as they are.
 */
export function markRefused(checks: RuleCheck[], code: string | null): RuleCheck[] {
  if (code === null) return checks;
  const rule = refusedRules[code] ?? code;
  return checks.map((c) => (c.id === rule ? { ...c, state: "refused" } : c));
}

/** True when no rule the browser can check is broken. */
export function passwordAcceptable(checks: RuleCheck[]): boolean {
  return checks.every((c) => c.state === "met" || c.state === "server");
}

const sameSite = "http://same-site.invalid";
// "." and ".." path segments, percent-encoded or not: the URL parser resolves them, so
// "/.//evil.example" would come out as "//evil.example".
const dotSegment = /^(?:\.|%2e){1,2}$/i;

/** "//host" and "/\host" are other sites to a browser; so is anything not starting with "/". */
function leavesTheSite(path: string): boolean {
  return !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\");
}

/**
 * The path to return to after sign-in: only a same-site relative path ("/x"), never
 * "//host", "/\host", a scheme, a dot segment or anything with control characters; otherwise
 * "/". What is returned is checked too, since normalising can turn a safe path into "//host".
 */
/** The pages a signed-in person is sent on from: never where a sign-in leads. */
const signInPages = new Set(["/login", "/register"]);

export function safeCallbackUrl(value: string | null | undefined): string {
  if (typeof value !== "string" || leavesTheSite(value)) return "/";
  // Browsers read "\" as "/", so "/\evil.example" would leave the site.
  if (value.includes("\\")) return "/";
  if (/[\u0000-\u001f\u007f]/.test(value)) return "/";
  const path = value.split(/[?#]/, 1)[0] ?? "";
  if (path.split("/").some((segment) => dotSegment.test(segment))) return "/";
  try {
    const url = new URL(value, sameSite);
    if (url.origin !== sameSite) return "/";
    // Back to a sign-in page after signing in would go round in a circle.
    if (signInPages.has(url.pathname.replace(/\/+$/, "") || "/")) return "/";
    const normalised = `${url.pathname}${url.search}${url.hash}`;
    return leavesTheSite(normalised) ? "/" : normalised;
  } catch {
    return "/";
  }
}
