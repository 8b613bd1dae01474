"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useAuth } from "@/lib/auth-context";
import { Avatar } from "./avatar";

export function Nav() {
  const { user, loading, logout } = useAuth();
  const router = useRouter();
  // On the sign-in page itself a "Sign in" button would only lead back to it.
  const onSignInPage = usePathname() === "/login";

  async function onLogout() {
    await logout();
    router.replace("/login");
    router.refresh();
  }

  return (
    <header className="nav">
      <Link href="/" className="brand">
        Yoshikosan
      </Link>
      {/* A fixed-size slot: nothing appears, then changes, while the user is loading. */}
      <div className="nav-user" aria-busy={loading}>
        {loading ? null : user ? (
          <>
            <Link href="/account" className="nav-account" data-testid="nav-user">
              <Avatar name={user.name} url={user.avatar_url} />
              {/* Isolated, so a right-to-left name cannot reorder the text around it. */}
              <span className="nav-name">
                <bdi>{user.name}</bdi>
              </span>
            </Link>
            <button type="button" className="button button-quiet" onClick={onLogout}>
              Sign out
            </button>
          </>
        ) : onSignInPage ? null : (
          <Link href="/login" className="button button-quiet">
            Sign in
          </Link>
        )}
      </div>
    </header>
  );
}
