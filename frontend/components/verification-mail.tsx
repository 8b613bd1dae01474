"use client";
import { useState } from "react";
import { api, call } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { useHydrated } from "@/lib/use-hydrated";
import { verificationMailNote, type MailNote } from "@/lib/verify-email";

/**
 * Sends the signed-in account's address a new verification link
 * (`POST /api/auth/email/verification`), and says what came of it: sent, the wait (one a
 * minute), or already verified, after which the user is asked for again so the page shows it.
 * The button is there only while the address is unverified; what it said stays.
 */
export function SendVerificationMail({ label }: { label: string }) {
  const { user, refresh } = useAuth();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<MailNote | null>(null);
  const usable = useHydrated();
  // Verified, and nothing said: nothing to show.
  if (!user || (user.email_verified && note === null)) return null;
  const email = user.email;

  async function send() {
    setBusy(true);
    setNote(null);
    const result = await call(api.POST("/api/auth/email/verification"));
    setBusy(false);
    setNote(verificationMailNote(result, email));
    // Verified meanwhile (another tab used a link): the page shows it.
    if (!result.ok && result.problem.code === "already_verified") await refresh();
  }

  return (
    <div className="stack verification-mail">
      {user.email_verified ? null : (
        <div className="row">
          <button
            type="button"
            className="button button-quiet"
            onClick={send}
            disabled={busy || !usable}
          >
            {busy ? "Sending…" : label}
          </button>
        </div>
      )}
      <div aria-live="polite">
        {note ? (
          <p
            className={`alert ${note.ok ? "alert-ok" : "alert-error"}`}
            role={note.ok ? "status" : "alert"}
            data-testid="verification-mail-result"
          >
            {note.text}
          </p>
        ) : null}
      </div>
    </div>
  );
}
