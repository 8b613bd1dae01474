"use client";
import { useEffect, useRef, useState } from "react";
import { api, call } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { changeRequestOutcome, newEmailProblem } from "@/lib/change-email";
import { useHydrated } from "@/lib/use-hydrated";
import { Field } from "@/components/field";
import { useAskForProof } from "./confirm-identity";

const fieldId = "new_email";

/**
 * "Change email" beside the address: a small form for the new one (`PUT /api/auth/email`),
 * which sends it a link; the account moves only once that link is used. Without a recent proof
 * the backend answers `reauthentication_required`: "Confirm it's you", then the same request
 * again. Shown only when the backend sends mail links.
 */
export function ChangeEmail() {
  const { user } = useAuth();
  const askForProof = useAskForProof();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const usable = useHydrated();
  const toggle = useRef<HTMLButtonElement>(null);
  const said = useRef<HTMLParagraphElement>(null);
  // Where the focus goes after the form opens or closes: the field, the button, or the answer.
  const [focus, setFocus] = useState<"field" | "toggle" | "note" | null>(null);

  useEffect(() => {
    if (focus === "field") document.getElementById(fieldId)?.focus();
    else if (focus === "toggle") toggle.current?.focus();
    else if (focus === "note") said.current?.focus();
  }, [focus, open]);

  if (!user) return null;
  const current = user.email;

  function show() {
    setOpen(true);
    setNote(null);
    setFieldError(undefined);
    setFocus("field");
  }

  function cancel() {
    setOpen(false);
    setEmail("");
    setFieldError(undefined);
    setNote(null);
    setFocus("toggle");
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = newEmailProblem(email, current);
    setFieldError(problem ?? undefined);
    if (problem !== null) return;
    const trigger = event.nativeEvent instanceof SubmitEvent ? event.nativeEvent.submitter : null;
    await send(email.trim(), trigger);
  }

  async function send(address: string, trigger: HTMLElement | null) {
    setBusy(true);
    setNote(null);
    setFieldError(undefined);
    setFocus(null);
    const result = await call(api.PUT("/api/auth/email", { body: { email: address } }));
    setBusy(false);
    const outcome = changeRequestOutcome(result, address);
    switch (outcome.kind) {
      case "sent":
        setOpen(false);
        setEmail("");
        setNote({ ok: true, text: outcome.text });
        setFocus("note");
        return;
      case "proof":
        // A recent proof first; the same address is asked for again after it.
        askForProof({
          action: { kind: "change-email" },
          retry: () => send(address, trigger),
          returnFocus: trigger,
        });
        return;
      case "field":
        setFieldError(outcome.text);
        setFocus("field");
        return;
      case "error":
        setNote({ ok: false, text: outcome.text });
        return;
    }
  }

  return (
    <div className="stack email-change">
      {open ? (
        <form
          method="post"
          onSubmit={onSubmit}
          noValidate
          aria-busy={busy}
          aria-label="Change email"
          data-usable={usable || undefined}
          data-testid="change-email-form"
        >
          <Field
            id={fieldId}
            label="New email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldError}
            describedBy="new-email-hint"
          />
          <p className="muted" id="new-email-hint">
            We&apos;ll send it a link. Your address changes once you open it.
          </p>
          <div className="row">
            <button type="submit" className="button" disabled={busy || !usable}>
              {busy ? "Sending…" : "Send link"}
            </button>
            <button type="button" className="button button-quiet" onClick={cancel} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="row">
          <button
            ref={toggle}
            type="button"
            className="button button-quiet"
            onClick={show}
            disabled={!usable}
          >
            Change email
          </button>
        </div>
      )}
      <div aria-live="polite">
        {note ? (
          <p
            className={`alert ${note.ok ? "alert-ok" : "alert-error"}`}
            role={note.ok ? "status" : "alert"}
            data-testid="change-email-result"
            ref={said}
            tabIndex={-1}
          >
            {note.text}
          </p>
        ) : null}
      </div>
    </div>
  );
}
