import type { Metadata } from "next";
import { oauthErrorMessage } from "@/lib/messages";
import { signInOptions } from "@/lib/server-session";
import { AccountView } from "./account-view";

export const metadata: Metadata = { title: "Your account" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function AccountPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const error = Array.isArray(params.error) ? params.error[0] : params.error;
  const { providers, policy } = await signInOptions();
  return <AccountView providers={providers} policy={policy} linkError={oauthErrorMessage(error)} />;
}
