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
  /** Told of a token the cache drops because Instacart refused it, or revoked (to drop it from a shared cache too). */
  forget?: ((request: KeyedTokenRequest, token: IssuedToken) => void) | undefined;
}

export interface TokenCache extends TokenSource {
  /** Empties the cache and returns the tokens that had not expired; requests in flight will not fill it. */
  drain(): string[];
}

interface CachedToken extends IssuedToken {
  /** Epoch ms after which the token is renewed before use. */
  readonly refreshAt: number;
  readonly request: KeyedTokenRequest;
}

/** Cached tokens kept at most (user tokens make one entry per user); beyond it the oldest goes, most likely expired. */
const MAX_CACHED_TOKENS = 10_000;

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
          const entry = { ...issued, refreshAt: refreshAt(issued, options.refreshMargin), request };
          if (startedIn === epoch) {
            cache.delete(key);
            cache.set(key, entry);
            if (cache.size > MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value as string);
          }
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
    invalidate(request, token) {
      const cached = cache.get(request.key);
      if (cached?.token !== token) return;
      cache.delete(request.key);
      options.forget?.(request, cached);
    },
    drain() {
      epoch += 1;
      const now = clock.now();
      const live = [...cache.values()].filter((entry) => entry.expiresAt > now);
      cache.clear();
      for (const entry of live) options.forget?.(entry.request, entry);
      return [...new Set(live.map((entry) => entry.token))];
    },
  };
}
