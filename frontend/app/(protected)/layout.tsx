import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/server-session";
import { safeCallbackUrl } from "@/lib/validation";

/**
 * proxy.ts only sees that a cookie exists; this asks the backend whether its session is still
 * valid, so a revoked or expired cookie never shows a protected page.
 */
export default async function ProtectedLayout({ children }: { children: React.ReactNode }) {
  const user = await currentUser();
  if (!user) {
    const path = safeCallbackUrl((await headers()).get("x-url-path"));
    redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
  }
  return <>{children}</>;
}
