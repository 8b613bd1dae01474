import type { Metadata } from "next";
import { signInOptions } from "@/lib/server-session";
import { MailUnavailable } from "@/components/mail-unavailable";
import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Reset your password" };

export default async function ForgotPasswordPage() {
  // Unknown (the backend did not answer): the form is shown, and the backend answers for itself.
  const { emailLinks } = await signInOptions();
  if (emailLinks === false) return <MailUnavailable title="Reset your password" />;
  return <ForgotForm />;
}
