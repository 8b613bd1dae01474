import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentSession, signInOptions } from "@/lib/server-session";
import { oauthErrorMessage, signInNotice } from "@/lib/messages";
import { isProtected } from "@/lib/protected-paths";
import { safeCallbackUrl } from "@/lib/validation";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

type Search = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl) ?? first(params.redirect_to));
  const session = await currentSession();
  // Already signed in: straight on to where the sign-in would have led.
  if (session.user) redirect(callbackUrl);
  const { providers, emailLinks, passkeys } = await signInOptions();
  // A sign-in with a provider started from another site lands here (?provider=&redirect_to=):
  // the person presses that provider's button themselves.
  const suggested = providers.find((p) => p.id === first(params.provider)) ?? null;
  return (
    <LoginForm
      providers={providers}
      suggested={suggested}
      callbackUrl={callbackUrl}
      emailLinks={emailLinks === true}
      passkeys={passkeys}
      notice={signInNotice({
        ended: session.ended,
        protectedPage: isProtected(callbackUrl),
        verifying: callbackUrl === "/verify-email",
        changingEmail: callbackUrl === "/confirm-email",
      })}
      oauthError={oauthErrorMessage(first(params.error))}
    />
  );
}
