// The links a mail carries: `{FRONTEND_URL}/reset-password#token=…` (a password reset),
// `{FRONTEND_URL}/verify-email#token=…` (confirming the address) and
// `{FRONTEND_URL}/confirm-email#token=…` (moving the account to a new address). The token is in
// the fragment, so it reaches no server log and no Referer. The page reads it, takes it out of
// the address bar at once, and keeps it in memory (and in this tab's sessionStorage, so a
// reload, or a sign-in in between, still finds it) until the page's button sends it: opening the
// link uses nothing.

/** Where the token waits in this tab between reading the link and a successful reset. */
export const resetTokenKey = "yoshikosan:reset-token";
/** Where a verification link's token waits in this tab, also while the person signs in. */
export const verifyTokenKey = "yoshikosan:verify-token";
/** Where a change of address link's token waits in this tab, also while the person signs in. */
export const changeEmailTokenKey = "yoshikosan:change-email-token";

/** Each kind of link keeps its token under a key of its own: one never stands in for another. */
export type LinkTokenKey =
  typeof resetTokenKey | typeof verifyTokenKey | typeof changeEmailTokenKey;

/** A token as the backend makes them: base64url (the mail's are 43 characters). */
const tokenShape = /^[A-Za-z0-9_-]+$/;

/**
 * What a URL fragment says about a token: none named (`#main`, empty), one named (`#token=…`),
 * or one named but empty or not a token (a link cut short, mangled by a mail client).
 */
export type FragmentToken =
  { named: false } | { named: true; token: string } | { named: true; token: null };

/** Reads `token` from a fragment (`#token=abc`, percent-encoding allowed; the first wins). */
export function tokenFromFragment(hash: string): FragmentToken {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  for (const part of fragment.split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq) !== "token") continue;
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1)).trim();
    } catch {
      return { named: true, token: null };
    }
    return { named: true, token: tokenShape.test(value) ? value : null };
  }
  return { named: false };
}

/** The pieces of `window` the page reads and changes, so the logic runs without a browser. */
export type LinkWindow = {
  location: Pick<Location, "hash" | "pathname" | "search">;
  history: Pick<History, "replaceState">;
  /** The tab's sessionStorage; null when the browser refuses it. */
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
};

function remember(storage: LinkWindow["storage"], key: LinkTokenKey, token: string | null): void {
  try {
    if (token === null) storage?.removeItem(key);
    else storage?.setItem(key, token);
  } catch {
    // Storage full or refused: the token stays in the page's memory only.
  }
}

function recalled(storage: LinkWindow["storage"], key: LinkTokenKey): string | null {
  try {
    const stored = storage?.getItem(key) ?? null;
    return stored !== null && tokenShape.test(stored) ? stored : null;
  } catch {
    return null;
  }
}

/**
 * The token of the link this page was opened with. A fragment that names a token is taken out
 * of the address bar (and of the history entry) and the token kept in the tab's storage under
 * `key`; without one, the token kept earlier in this tab (a reload, or back from signing in).
 * Null: the link is incomplete.
 */
export function takeLinkToken(win: LinkWindow, key: LinkTokenKey): string | null {
  const fragment = tokenFromFragment(win.location.hash);
  if (!fragment.named) return recalled(win.storage, key);
  win.history.replaceState(null, "", `${win.location.pathname}${win.location.search}`);
  remember(win.storage, key, fragment.token);
  return fragment.token;
}

/** Once the link did its work: the token is spent, nothing keeps it. */
export function forgetLinkToken(storage: LinkWindow["storage"], key: LinkTokenKey): void {
  remember(storage, key, null);
}

/** The reset link's token (`takeLinkToken` under `resetTokenKey`). */
export function takeResetToken(win: LinkWindow): string | null {
  return takeLinkToken(win, resetTokenKey);
}

/** After a successful reset: the token is spent, nothing keeps it. */
export function forgetResetToken(storage: LinkWindow["storage"]): void {
  forgetLinkToken(storage, resetTokenKey);
}

/** The tab's sessionStorage, or null where the browser refuses it (some private modes). */
export function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
