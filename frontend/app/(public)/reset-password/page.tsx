import type { Metadata } from "next";
import { signInOptions } from "@/lib/server-session";
import { MailUnavailable } from "@/components/mail-unavailable";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Choose a new password" };

/**
 * Where a mail's password-reset link leads (`/reset-password#token=…`). The token is in the
 * fragment, which never reaches this server: the form reads it in the browser.
 */
export default async function ResetPasswordPage() {
  const { policy, emailLinks } = await signInOptions();
  if (emailLinks === false) return <MailUnavailable title="Choose a new password" />;
  return <ResetForm policy={policy} />;
}
