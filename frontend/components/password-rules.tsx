import type { RuleCheck } from "@/lib/validation";

const icon = { met: "✓", unmet: "○", server: "•" } as const;
const spoken = { met: "met", unmet: "not met yet", server: "checked when you submit" } as const;

/** The password policy's rules, ticked as the user types. */
export function PasswordRules({ id, checks }: { id: string; checks: RuleCheck[] }) {
  return (
    <ul className="rules" id={id} aria-label="Password rules">
      {checks.map((c) => (
        <li key={c.id} className={`rule-${c.state}`} data-rule={c.id} data-state={c.state}>
          <span className="rule-icon" aria-hidden="true">
            {icon[c.state]}
          </span>
          <span>
            {c.description}
            <span className="sr-only"> ({spoken[c.state]})</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
