import Link from "next/link";
import { mailLinksUnavailable } from "@/lib/messages";

/** The mail pages when the service sends no mail (`email_links: false`). */
export function MailUnavailable({
  title,
  message = mailLinksUnavailable,
  back = { href: "/login", label: "Back to sign in" },
}: {
  title: string;
  /** What is not available: the password reset's sentence unless told. */
  message?: string;
  back?: { href: string; label: string };
}) {
  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p className="alert alert-info" data-testid="mail-unavailable">
        {message}
      </p>
      <p className="muted">
        <Link href={back.href}>{back.label}</Link>
      </p>
    </section>
  );
}
