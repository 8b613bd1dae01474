import type { Metadata } from "next";
import { changeEmailUnavailable } from "@/lib/messages";
import { signInOptions } from "@/lib/server-session";
import { MailUnavailable } from "@/components/mail-unavailable";
import { ConfirmEmail } from "./confirm-email";

export const metadata: Metadata = { title: "Confirm your new address" };

/**
 * Where a change of address link leads (`/confirm-email#token=…`), a mail to the new address.
 * The token is in the fragment, which never reaches this server: the page reads it in the
 * browser, and the user (signed in or not) comes from the root layout's session check.
 */
export default async function ConfirmEmailPage() {
  const { emailLinks } = await signInOptions();
  if (emailLinks === false)
    return (
      <MailUnavailable
        title="Confirm your new address"
        message={changeEmailUnavailable}
        back={{ href: "/account", label: "Go to your account" }}
      />
    );
  return <ConfirmEmail />;
}
