import Link from "next/link";
import { mailLinksUnavailable } from "@/lib/messages";

/** The mail pages when the service sends no mail (`email_links: false`). */
export function MailUnavailable({ title }: { title: string }) {
  return (
    <section className="card narrow">
      <h1>{title}</h1>
      <p className="alert alert-info" data-testid="mail-unavailable">
        {mailLinksUnavailable}
      </p>
      <p className="muted">
        <Link href="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
