import type { Metadata } from "next";
import { signInOptions } from "@/lib/server-session";
import { oauthErrorMessage } from "@/lib/messages";
import { safeCallbackUrl } from "@/lib/validation";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

type Search = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const { providers } = await signInOptions();
  return (
    <LoginForm
      providers={providers}
      callbackUrl={safeCallbackUrl(first(params.callbackUrl))}
      oauthError={oauthErrorMessage(first(params.error))}
    />
  );
}
