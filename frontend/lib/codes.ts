// The codes a failure comes with, as the backend's OpenAPI document publishes them, and the
// client's own for failures that brought no problem document.
import type { components } from "./api-schema";

/** A problem document's `code`, as the backend publishes them. */
export type ProblemCode = components["schemas"]["ProblemCode"];
/** `errors[].code` of a 422 `validation_failed`. */
export type FieldErrorCode = components["schemas"]["FieldErrorCode"];
/** The `?error=` of a failed OAuth redirect to /login or /account. */
export type OAuthErrorCode = components["schemas"]["OAuthErrorCode"];
/**
 * Codes this client gives a failure that brought no problem document: a body that is not one
 * (a proxy's error page), or no answer at all. The backend never sends them.
 */
export type LocalProblemCode = "unexpected_response" | "network_error";
