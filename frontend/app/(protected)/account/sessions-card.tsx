"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { api, call, problemMessage, type Provider, type Session } from "@/lib/api";
import { useAuth } from "@/lib/auth-context";
import { reconfirmedAt, sessionMethodText } from "@/lib/sign-in-methods";

/** A short device name from a user agent; the full string stays in the title. */
export function deviceName(userAgent: string | null | undefined): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrom(e|ium)\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : null;
  const os = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

type Props = {
  providers: Provider[];
  /** Counts the changes that may have ended or confirmed sessions: each loads the list again. */
  changes: number;
};

export function SessionsCard({ providers, changes }: Props) {
  const { logout } = useAuth();
  const router = useRouter();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const result = await call(api.GET("/api/auth/sessions"));
    if (result.ok) setSessions(result.data);
    else setError(problemMessage(result.problem));
  }, []);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loads on mount and after a change
    void load();
  }, [load, changes]);

  async function revoke(id: string) {
    setBusy(true);
    const result = await call(api.DELETE("/api/auth/sessions/{id}", { params: { path: { id } } }));
    setBusy(false);
    if (!result.ok) setError(problemMessage(result.problem));
    await load();
  }

  async function signOutEverywhere() {
    setBusy(true);
    await call(api.POST("/api/auth/logout-all"));
    await logout();
    router.replace("/login");
    router.refresh();
  }

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Active sessions</h2>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      {sessions === null ? (
        <p className="muted">Loading sessions…</p>
      ) : (
        <ul className="sessions" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} data-current={s.current}>
              <div className="session-meta">
                <span className="session-device" title={s.user_agent ?? undefined}>
                  {deviceName(s.user_agent)}{" "}
                  {s.current ? <span className="badge">this device</span> : null}
                </span>
                <span className="muted">
                  {s.ip ?? "unknown address"} · signed in {when(s.created_at)}
                </span>
                <span className="muted" data-testid="session-method">
                  {sessionMethodText(s.method, providers)}
                  {reconfirmedAt(s) ? ` · confirmed it's you ${when(s.authenticated_at)}` : null}
                </span>
              </div>
              {s.current ? null : (
                <button
                  type="button"
                  className="button button-danger"
                  disabled={busy}
                  onClick={() => revoke(s.id)}
                  aria-label={`Revoke ${deviceName(s.user_agent)} signed in ${when(s.created_at)}`}
                >
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button-danger"
        disabled={busy}
        onClick={signOutEverywhere}
      >
        Sign out everywhere
      </button>
    </section>
  );
}
