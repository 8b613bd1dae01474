import type { PasswordPolicy } from "@/lib/api";
import { byteLength, charLength, type RuleCheck } from "@/lib/validation";

const icon = { met: "✓", unmet: "○", server: "•", refused: "✗" } as const;
const spoken = {
  met: "met",
  unmet: "not met yet",
  server: "checked when you submit",
  refused: "not met: the server refused this password",
} as const;

/**
 * A rule in plain words. The policy's numbers come from the backend; the words are the page's
 * own for the rules it knows, and the backend's description for any other. The byte limit is
 * explained only when a password goes over it.
 */
export function ruleText(check: RuleCheck, policy: PasswordPolicy, password: string): string {
  switch (check.id) {
    case "min_length":
      return `At least ${policy.min_length} characters`;
    case "max_bytes": {
      const plain = `No more than ${policy.max_bytes} characters`;
      if (check.state !== "unmet" || password === "") return plain;
      const bytes = byteLength(password);
      if (bytes === charLength(password)) return `${plain} (this one has ${bytes})`;
      return `${plain}, where accented letters, other alphabets and emoji count as 2 to 4 each (this one counts as ${bytes})`;
    }
    case "not_email":
      return "Not your email address or the part before the @";
    case "not_common":
      return "Not a commonly used password";
    default:
      return check.description;
  }
}

/** The password policy's rules, ticked as the user types; a rule the server refused is red. */
export function PasswordRules({
  id,
  checks,
  policy,
  password,
}: {
  id: string;
  checks: RuleCheck[];
  policy: PasswordPolicy;
  password: string;
}) {
  return (
    <ul className="rules" id={id} aria-label="Password rules">
      {checks.map((c) => (
        <li key={c.id} className={`rule-${c.state}`} data-rule={c.id} data-state={c.state}>
          <span className="rule-icon" aria-hidden="true">
            {icon[c.state]}
          </span>
          <span>
            {ruleText(c, policy, password)}
            <span className="sr-only"> ({spoken[c.state]})</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
