/**
 * The token cache of one client: a token per (grant, scope, user), one token request in flight per
 * key, renewal in the background once a token is inside its refresh margin, and a bound on entries.
 */
import type { Clock } from "../clock.js";
import type { TokenSource } from "./token-source.js";
import type { KeyedTokenRequest } from "./types.js";

/** A token as the token endpoint issued it: epoch ms of the request that got it, and of its expiry. */
export interface IssuedToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface TokenCacheOptions {
  clock: Clock;
  /** Renew this many ms before expiry (never earlier than half-way through a token's life). */
  refreshMargin: number;
  /** Gets a token (from the token endpoint, or a shared cache in front of it). */
  fetchToken(request: KeyedTokenRequest): Promise<IssuedToken>;
}

export interface TokenCache extends TokenSource {
  /** Empties the cache and returns the tokens that had not expired; requests in flight will not fill it. */
  drain(): string[];
  /** The cached tokens (for scrubbing them from text). */
  tokens(): Iterable<string>;
}

interface CachedToken {
  readonly token: string;
  /** Epoch ms after which the token is renewed before use. */
  readonly refreshAt: number;
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

/** When to renew `issued`: `margin` before it expires, but never earlier than half-way (a long margin would cache nothing). */
export function refreshAt({ issuedAt, expiresAt }: IssuedToken, margin: number): number {
  return expiresAt - Math.min(margin, (expiresAt - issuedAt) / 2);
}

/** One closure holds the cache, the requests in flight and the epoch, shared by its operations. */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { clock } = options;
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<string>>();
  /** Bumped by `drain`: a token request that started before it does not fill the emptied cache. */
  let epoch = 0;

  /** The token request of this key, shared by every call that needs it meanwhile. */
  function pendingFor(request: KeyedTokenRequest): Promise<string> {
    const { key } = request;
    let pending = inFlight.get(key);
    if (pending === undefined) {
      const startedIn = epoch;
      pending = options
        .fetchToken(request)
        .then((issued) => {
          const entry = { token: issued.token, expiresAt: issued.expiresAt, refreshAt: refreshAt(issued, options.refreshMargin) };
          if (startedIn === epoch) store(cache, key, entry, clock.now());
          return issued.token;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    fixed: false,
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
      return pendingFor(request);
    },
    invalidate({ key }, token) {
      if (cache.get(key)?.token === token) cache.delete(key);
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
