// What the pages' CSP must allow of the configured providers, as the backend names them
// (GET /api/auth/providers): the origin a form post may end up at (linking a provider posts to
// /api/auth/{provider}/link, which answers 303 to that provider's authorization endpoint, and
// browsers apply form-action to that redirect: `authorization_origin`), and the hosts avatars
// come from (img-src: `avatar_sources`). This keeps them for the proxy, asked at most once a
// minute and never on a request's critical path once known.

/** The CSP sources of the configured providers. */
export type ProviderSources = { formOrigins: string[]; avatarSources: string[] };

/** Before the backend has answered: nothing beyond this origin. */
export const noProviderSources: ProviderSources = { formOrigins: [], avatarSources: [] };

/** How long a list of origins is used before it is asked again. */
export const originsTtlMs = 60_000;
/** How long a request waits for the first answer before it goes on with 'self' only. */
export const firstAnswerWaitMs = 1_000;

type Options<T> = {
  /** Asks the backend; resolves to its answer, rejects when it cannot answer. */
  fetchOrigins: () => Promise<T>;
  /** What a request goes on with while nothing is known. */
  empty: T;
  now?: () => number;
  ttlMs?: number;
  firstWaitMs?: number;
};

/**
 * The providers' origins, cached. Fresh: answered at once. Stale: answered at once with the
 * old list while one refresh runs. Never fetched (or every fetch failed so far): the request
 * waits for a fetch at most `firstWaitMs`, then goes on with none; the next request asks again.
 */
export function originsCache<T>({
  fetchOrigins,
  empty,
  now = Date.now,
  ttlMs = originsTtlMs,
  firstWaitMs = firstAnswerWaitMs,
}: Options<T>) {
  let known: { origins: T; at: number } | null = null;
  let pending: Promise<T | null> | null = null;

  function refresh(): Promise<T | null> {
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

  return async function get(): Promise<T> {
    if (known && now() - known.at < ttlMs) return known.origins;
    const answer = refresh();
    if (known) return known.origins;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), firstWaitMs);
    });
    const origins = await Promise.race([answer, waited]);
    clearTimeout(timer);
    return origins ?? empty;
  };
}

/**
 * Each provider's `field` in a providers answer. A provider without it is an answer from an
 * older backend: a failure, so that nothing narrower is kept in place of what was known.
 */
function fieldOfEach(body: unknown, field: string): unknown[] {
  const providers = (body as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(providers)) throw new Error("no providers list");
  return providers.map((provider: unknown) => {
    const value = (provider as Record<string, unknown> | null)?.[field];
    if (value === undefined) throw new Error(`a provider without its ${field}`);
    return value;
  });
}

/**
 * The origins in a providers answer, each checked to be a plain http(s) origin of one named host:
 * anything else (a path, a quote, a semicolon that would start another CSP directive, a `*`
 * host that would allow every site) is left out.
 */
export function originsOf(body: unknown): string[] {
  const origins = new Set<string>();
  for (const origin of fieldOfEach(body, "authorization_origin")) {
    if (typeof origin !== "string" || origin.includes("*") || !URL.canParse(origin)) continue;
    const url = new URL(origin);
    if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === origin)
      origins.add(origin);
  }
  return [...origins];
}

/**
 * The avatar sources in a providers answer: an http(s) origin whose host may start with one
 * `*.` label before a name of two labels or more (`https://*.googleusercontent.com`), nothing
 * else.
 */
export function avatarSourcesOf(body: unknown): string[] {
  const sources = new Set<string>();
  for (const listed of fieldOfEach(body, "avatar_sources")) {
    if (!Array.isArray(listed)) continue;
    for (const source of listed as unknown[]) {
      if (typeof source === "string" && isHostSource(source)) sources.add(source);
    }
  }
  return [...sources];
}

/** Scheme, host labels of letters, digits and hyphens, a port. */
const hostSource = /^https?:\/\/([a-z0-9-]+\.)*[a-z0-9-]+(:[0-9]{1,5})?$/;
/** A leading `*.` stands for the subdomains of a name of at least two labels, never of `com`. */
const wildcardSource = /^https?:\/\/\*\.([a-z0-9-]+\.)+[a-z0-9-]+(:[0-9]{1,5})?$/;

function isHostSource(source: string): boolean {
  return hostSource.test(source) || wildcardSource.test(source);
}

/** Asks the backend at `baseUrl` for its providers' CSP sources (at most 2 s). */
export async function fetchProviderSources(baseUrl: string): Promise<ProviderSources> {
  const response = await fetch(`${baseUrl}/api/auth/providers`, {
    cache: "no-store",
    signal: AbortSignal.timeout(2_000),
  });
  if (!response.ok) throw new Error(`providers: ${response.status}`);
  const body: unknown = await response.json();
  return { formOrigins: originsOf(body), avatarSources: avatarSourcesOf(body) };
}
