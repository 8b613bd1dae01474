import type { Metadata } from "next";
import { accountNotice, oauthErrorMessage } from "@/lib/messages";
import { signInOptions } from "@/lib/server-session";
import { afterProofNotice, parseProofKey, providerName } from "@/lib/sign-in-methods";
import { AccountView } from "./account-view";

export const metadata: Metadata = { title: "Your account" };

type Search = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function AccountPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const error = first(params.error);
  const { providers, policy, emailLinks, passkeys } = await signInOptions();
  // A link started without a recent proof comes back as ?error=reauthentication_required
  // &provider=<id>: the page asks the person to confirm it's them, then starts it again.
  const toLink = providers.find((p) => p.id === first(params.provider));
  const proofFor =
    error === "reauthentication_required" && toLink
      ? ({ kind: "link", provider: toLink.id } as const)
      : null;
  // Back from a provider that confirmed it's them (?reauthenticated=<the change>).
  const back = first(params.reauthenticated);
  const afterProof =
    back === undefined
      ? null
      : afterProofNotice(parseProofKey(back), (id) => providerName(id, providers));
  return (
    <AccountView
      providers={providers}
      policy={policy}
      emailLinks={emailLinks === true}
      passkeys={passkeys}
      linkError={oauthErrorMessage(error)}
      proofFor={proofFor}
      afterProof={afterProof}
      notice={accountNotice(first(params.notice))}
    />
  );
}
