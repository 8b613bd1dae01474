import Link from "next/link";
import { currentUser } from "@/lib/server-session";

export default async function Home() {
  const user = await currentUser();
  return (
    <section className="card">
      <h1>Welcome to Yoshikosan</h1>
      {user ? (
        <p>
          You are signed in as <strong>{user.email}</strong>.{" "}
          <Link href="/account">Go to your account</Link>.
        </p>
      ) : (
        <p>
          <Link href="/login">Sign in</Link> or <Link href="/register">create an account</Link>.
        </p>
      )}
    </section>
  );
}
