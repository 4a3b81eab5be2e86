/**
 * The token cache of one client: a token per (grant, scope, user), one token request in flight per
 * key, renewal in the background once a token is inside its refresh margin, and a bound on entries.
 */
import type { Clock } from "../clock.js";
import type { AccessToken, KeyedTokenRequest } from "./types.js";

export interface TokenCacheOptions {
  clock: Clock;
  /** Renew this many ms before expiry (never earlier than half-way through a token's life). */
  refreshMargin: number;
  /** Requests a token from the token endpoint. */
  fetchToken(request: KeyedTokenRequest): Promise<AccessToken>;
  /** Told about every token fetched, with its lifetime in seconds. */
  onFetched(request: KeyedTokenRequest, expiresIn: number): void;
}

export interface TokenCache {
  /** The token for `request`: the cached one as is (no promise, so a call does not wait a turn), or the one being fetched. */
  get(request: KeyedTokenRequest): string | Promise<string>;
  /** Forgets `token` for this key after Instacart refused it (only if it is still the cached one). */
  invalidate(request: KeyedTokenRequest, token: string): void;
  /** Empties the cache and returns the tokens that had not expired; requests in flight will not fill it. */
  drain(): string[];
  /** The cached tokens (for scrubbing them from text). */
  tokens(): Iterable<string>;
}

interface CachedToken {
  readonly token: string;
  /** Epoch ms after which the token is renewed before use. */
  readonly refreshAt: number;
  /** Epoch ms at which the token expires. */
  readonly expiresAt: number;
}

/** Cached tokens kept at most (expired ones are swept first); user tokens make one entry per user. */
const MAX_CACHED_TOKENS = 10_000;

/** Caches a token, sweeping expired entries (and then the oldest ones) to keep the cache bounded. */
function store(cache: Map<string, CachedToken>, key: string, entry: CachedToken, now: number): void {
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size <= MAX_CACHED_TOKENS) return;
  for (const [k, e] of cache) if (e.expiresAt <= now) cache.delete(k);
  for (const k of cache.keys()) {
    if (cache.size <= MAX_CACHED_TOKENS) break;
    cache.delete(k);
  }
}

/** The lifetime of a token in ms, from the token endpoint's `expires_in` (0 when it is not a positive number). */
function lifetimeOf(data: AccessToken): number {
  const seconds = data.expires_in;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** One closure holds the cache, the requests in flight and the epoch, shared by its four operations. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { clock, refreshMargin } = options;
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  /** Bumped by `drain`: a token request that started before it does not fill the emptied cache. */
  let epoch = 0;

  async function fetchAndCache(request: KeyedTokenRequest): Promise<CachedToken> {
    // `expires_in` counts from when Instacart issued the token, somewhere between sending the request
    // and reading the answer: count from the request, so a slow answer never stretches the token's life.
    const requestedAt = clock.now();
    const startedIn = epoch;
    const data = await options.fetchToken(request);
    const lifetime = lifetimeOf(data);
    const entry: CachedToken = {
      token: data.access_token,
      expiresAt: requestedAt + lifetime,
      // Never renew earlier than half-way: a margin longer than the lifetime would cache nothing.
      refreshAt: requestedAt + lifetime - Math.min(refreshMargin, lifetime / 2),
    };
    if (startedIn === epoch) store(cache, request.key, entry, clock.now());
    options.onFetched(request, lifetime / 1000);
    return entry;
  }

  /** The token request of this key, shared by every call that needs it meanwhile. */
  function pendingFor(request: KeyedTokenRequest): Promise<CachedToken> {
    let pending = inFlight.get(request.key);
    if (!pending) {
      pending = fetchAndCache(request).finally(() => inFlight.delete(request.key));
      inFlight.set(request.key, pending);
    }
    return pending;
  }

  return {
    get(request) {
      const cached = cache.get(request.key);
      if (cached) {
        const now = clock.now();
        if (now < cached.refreshAt) return cached.token;
        if (now < cached.expiresAt) {
          // Inside the refresh margin: renew in the background (one request), use the valid token now.
          // A failed renewal is retried by the next call, and surfaces once the token has expired.
          pendingFor(request).catch(() => undefined);
          return cached.token;
        }
      }
      return pendingFor(request).then((entry) => entry.token);
    },
    invalidate(request, token) {
      if (cache.get(request.key)?.token === token) cache.delete(request.key);
    },
    drain() {
      epoch += 1;
      const now = clock.now();
      const live = new Set<string>();
      for (const entry of cache.values()) if (entry.expiresAt > now) live.add(entry.token);
      cache.clear();
      return [...live];
    },
    tokens: () => [...cache.values()].map((entry) => entry.token),
  };
}
