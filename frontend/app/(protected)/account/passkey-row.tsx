"use client";
import { useEffect, useRef, useState } from "react";
import { api, call, fieldErrors, problemMessage, type Passkey } from "@/lib/api";
import { passkeyNameFieldMessage, passkeyNameProblem, passkeyStorage } from "@/lib/passkeys";
import { Field } from "@/components/field";

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

type Props = {
  passkey: Passkey;
  /** Another change is under way in the card: this row's buttons wait. */
  busy: boolean;
  /** Removing it now: its button says so. */
  removing: boolean;
  /** The only way in left: Remove is disabled, described by the element with this id. */
  lastWayInId: string | null;
  onRemove: (passkey: Passkey, trigger: HTMLElement) => void;
  onRenamed: (passkey: Passkey) => void;
  /** A rename failed for a reason that is not the name's (the card says it above the list). */
  onFailed: (text: string, reload: boolean) => void;
};

/** One passkey: its name, where it lives, when it was added and last used; rename and remove. */
export function PasskeyRow({
  passkey,
  busy,
  removing,
  lastWayInId,
  onRemove,
  onRenamed,
  onFailed,
}: Props) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(passkey.name);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const renameButton = useRef<HTMLButtonElement>(null);
  // Where the focus goes once the row has changed: the name field, or back to Rename.
  const [focus, setFocus] = useState<"field" | "rename" | null>(null);
  const fieldId = `passkey-name-${passkey.id}`;

  useEffect(() => {
    if (focus === "field") document.getElementById(fieldId)?.focus();
    else if (focus === "rename") renameButton.current?.focus();
  }, [focus, renaming, fieldId]);

  function open() {
    setName(passkey.name);
    setError(undefined);
    setRenaming(true);
    setFocus("field");
  }

  function close() {
    setRenaming(false);
    setError(undefined);
    setFocus("rename");
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problem = passkeyNameProblem(name, true);
    setError(problem ?? undefined);
    if (problem !== null) return;
    setSaving(true);
    const result = await call(
      api.PATCH("/api/auth/passkeys/{id}", {
        params: { path: { id: passkey.id } },
        body: { name: name.trim() },
      }),
    );
    setSaving(false);
    if (result.ok) {
      onRenamed(result.data);
      close();
      return;
    }
    const field = fieldErrors(result.problem).name;
    if (field) {
      setError(passkeyNameFieldMessage(field));
      setFocus("field");
      return;
    }
    close();
    // Removed meanwhile (another tab): the list is loaded again.
    onFailed(problemMessage(result.problem), result.problem.code === "not_found");
  }

  if (renaming) {
    return (
      <li data-testid="passkey">
        <form
          method="post"
          onSubmit={onSubmit}
          noValidate
          aria-busy={saving}
          aria-label={`Rename ${passkey.name}`}
        >
          <Field
            id={fieldId}
            label="Name"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={error}
          />
          <div className="row">
            <button type="submit" className="button" disabled={saving}>
              {saving ? "Saving…" : "Save"}
            </button>
            <button type="button" className="button button-quiet" onClick={close} disabled={saving}>
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li data-testid="passkey">
      <div className="session-meta">
        <span className="session-device">
          <bdi data-testid="passkey-name">{passkey.name}</bdi>{" "}
          <span className="badge">{passkeyStorage(passkey)}</span>
        </span>
        <span className="muted" data-testid="passkey-use">
          Added {when(passkey.created_at)} ·{" "}
          {passkey.last_used_at ? `last used ${when(passkey.last_used_at)}` : "never used"}
        </span>
      </div>
      <div className="row">
        <button
          ref={renameButton}
          type="button"
          className="button button-quiet"
          disabled={busy}
          onClick={open}
        >
          Rename<span className="sr-only"> {passkey.name}</span>
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={busy || lastWayInId !== null}
          aria-describedby={lastWayInId ?? undefined}
          onClick={(event) => onRemove(passkey, event.currentTarget)}
        >
          {removing ? "Removing…" : "Remove"}
          <span className="sr-only"> {passkey.name}</span>
        </button>
      </div>
    </li>
  );
}
