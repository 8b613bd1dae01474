// The origins a form post may end up at: linking a provider posts to
// /api/auth/{provider}/link, which answers 303 to that provider's authorization endpoint, and
// browsers apply the CSP's form-action to that redirect. The backend names each configured
// provider's origin (GET /api/auth/providers, `authorization_origin`); this keeps them for the
// proxy, asked at most once a minute and never on a request's critical path once known.

/** How long a list of origins is used before it is asked again. */
export const originsTtlMs = 60_000;
/** How long a request waits for the first answer before it goes on with 'self' only. */
export const firstAnswerWaitMs = 1_000;

type Options = {
  /** Asks the backend; resolves to its origins, rejects when it cannot answer. */
  fetchOrigins: () => Promise<string[]>;
  now?: () => number;
  ttlMs?: number;
  firstWaitMs?: number;
};

/**
 * The providers' origins, cached. Fresh: answered at once. Stale: answered at once with the
 * old list while one refresh runs. Never fetched (or every fetch failed so far): the request
 * waits for a fetch at most `firstWaitMs`, then goes on with none; the next request asks again.
 */
export function originsCache({
  fetchOrigins,
  now = Date.now,
  ttlMs = originsTtlMs,
  firstWaitMs = firstAnswerWaitMs,
}: Options) {
  let known: { origins: string[]; at: number } | null = null;
  let pending: Promise<string[] | null> | null = null;

  function refresh(): Promise<string[] | null> {
    pending ??= fetchOrigins()
      .then((origins) => {
        known = { origins, at: now() };
        return origins;
      })
      // A failure keeps what was known: the next request asks again.
      .catch(() => null)
      .finally(() => {
        pending = null;
      });
    return pending;
  }

  return async function get(): Promise<string[]> {
    if (known && now() - known.at < ttlMs) return known.origins;
    const answer = refresh();
    if (known) return known.origins;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), firstWaitMs);
    });
    const origins = await Promise.race([answer, waited]);
    clearTimeout(timer);
    return origins ?? [];
  };
}

/**
 * The origins in a providers answer, each checked to be a plain http(s) origin: anything else
 * (a path, a quote, a semicolon that would start another CSP directive) is left out.
 */
export function originsOf(body: unknown): string[] {
  const providers = (body as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(providers)) throw new Error("no providers list");
  const origins = new Set<string>();
  for (const provider of providers) {
    const origin = (provider as { authorization_origin?: unknown } | null)?.authorization_origin;
    if (typeof origin !== "string" || !URL.canParse(origin)) continue;
    const url = new URL(origin);
    if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === origin)
      origins.add(origin);
  }
  return [...origins];
}

/** Asks the backend at `baseUrl` for its providers' origins (at most 2 s). */
export async function fetchProviderOrigins(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/auth/providers`, {
    cache: "no-store",
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`providers: ${response.status}`);
  return originsOf(await response.json());
}
