"use client";
import Link from "next/link";
import { useAuth } from "@/lib/auth-context";

export default function Home() {
  const { user, loading } = useAuth();
  return (
    <section className="card">
      <h1>Welcome to Yoshikosan</h1>
      {loading ? (
        <p className="muted">Loading…</p>
      ) : user ? (
        <p>
          Signed in as <strong>{user.email}</strong>. <Link href="/account">Your account</Link>
        </p>
      ) : (
        <p>
          <Link href="/login">Sign in</Link> or <Link href="/register">create an account</Link>.
        </p>
      )}
    </section>
  );
}
