import type { Metadata } from "next";
import { verifyMailUnavailable } from "@/lib/messages";
import { signInOptions } from "@/lib/server-session";
import { MailUnavailable } from "@/components/mail-unavailable";
import { VerifyEmail } from "./verify-email";

export const metadata: Metadata = { title: "Confirm your address" };

/**
 * Where a mail's verification link leads (`/verify-email#token=…`). The token is in the
 * fragment, which never reaches this server: the page reads it in the browser, and the user
 * (signed in or not) comes from the root layout's session check.
 */
export default async function VerifyEmailPage() {
  const { emailLinks } = await signInOptions();
  if (emailLinks === false)
    return (
      <MailUnavailable
        title="Confirm your address"
        message={verifyMailUnavailable}
        back={{ href: "/account", label: "Go to your account" }}
      />
    );
  return <VerifyEmail />;
}
