import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { AuthProvider } from "@/lib/auth-context";
import { currentUser } from "@/lib/server-session";
import { Nav } from "@/components/nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Yoshikosan", template: "%s · Yoshikosan" },
  description: "Sign in to Yoshikosan",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request headers renders every page per request, which the CSP nonce needs.
  await headers();
  // Asked once per request (shared with the protected layout and the pages): every page is
  // sent with the user already in it, and the browser does not ask again.
  const user = await currentUser();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <AuthProvider initialUser={user}>
          <Nav />
          <main id="main" className="main">
            {children}
          </main>
        </AuthProvider>
      </body>
    </html>
  );
}
