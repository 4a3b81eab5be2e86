/**
 * A token cache that several processes share (the `tokenCache` option), as `@octokit/auth-app`'s
 * `cache` and MSAL's distributed cache: the processes of one application use one token per grant,
 * scope and user instead of one each. The client keeps its in-memory cache in front of it (a token at
 * hand costs no round trip); on a miss it reads the shared cache, and only one process (the one that
 * takes the lock) asks the token endpoint while the others wait for its token to appear.
 */
import type { Clock } from "../clock.js";
import { isSendableToken } from "./bearer.js";
import { refreshAt, type IssuedToken } from "./token-cache.js";
import type { KeyedTokenRequest } from "./types.js";

/**
 * A cache of access tokens shared by processes (Redis, a database, …). Values are opaque strings (a
 * token and its times); keys name the server, the client ID, the grant, the scope and the user,
 * never the client secret. `createRedisTokenCache` (`instacart-connect/stores/redis`) is one.
 */
export interface SharedTokenCache {
  /** The value stored under `key`, or undefined. */
  get(key: string): string | undefined | Promise<string | undefined>;
  /** Stores `value` under `key` for `ttl` ms (the token's remaining life). */
  set(key: string, value: string, ttl: number): void | Promise<void>;
  /** Removes `key` only while it still holds `value` (a token Instacart refused: another process may have stored a fresh one since). */
  delete(key: string, value: string): void | Promise<void>;
  /**
   * Optional: takes the lock of `key` for at most `ttl` ms, so that one process asks for a token
   * while the others wait for it. Resolves to the function that releases it, or undefined when
   * another process holds it.
   */
  lock?(key: string, ttl: number): Promise<(() => void | Promise<void>) | undefined>;
}

export interface SharedTokensOptions {
  readonly cache: SharedTokenCache;
  /** The server and the client ID, as the keys start. */
  readonly owner: readonly [server: string, clientId: string];
  readonly clock: Clock;
  readonly refreshMargin: number;
  /** Gets a token from the token endpoint. */
  fetchToken(request: KeyedTokenRequest): Promise<IssuedToken>;
  /** Called with every token read from the cache (to scrub it from text). */
  remember(token: string): void;
  /** Told when the cache fails: the call then goes on without it. */
  onError(error: unknown): void;
}

/** How long one process may hold the lock while it asks for a token; the others wait at most this long. */
const LOCK_TTL = 30_000;

/** A token of the shared cache, with the value it is stored as (for `delete`). */
export interface SharedToken extends IssuedToken {
  readonly shared: string;
}

/** How a token is stored: when it was issued and when it expires (epoch ms), and the token, space-separated (a token has no spaces). */
const stored = ({ issuedAt, expiresAt, token }: IssuedToken): string => `${issuedAt} ${expiresAt} ${token}`;

/** Reads the token stored under `key`, or undefined (absent, expired, unreadable, or the cache failed). */
async function read(options: SharedTokensOptions, key: string): Promise<SharedToken | undefined> {
  const shared = await guarded(options, () => options.cache.get(key));
  const [issuedAt, expiresAt, token] = typeof shared === "string" ? shared.split(" ").map((part, i) => (i < 2 ? Number(part) : part)) : [];
  if (typeof shared !== "string" || !isSendableToken(token) || !(options.clock.now() < Number(expiresAt))) return undefined;
  options.remember(token);
  return { token, issuedAt: Number(issuedAt), expiresAt: Number(expiresAt), shared };
}

/** Runs one operation of the cache; a failure is reported and counts as no answer. */
async function guarded<T>(options: SharedTokensOptions, operation: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await operation();
  } catch (error) {
    options.onError(error);
    return undefined;
  }
}

/** Waits for another process's token to appear under `key`, polling more and more slowly, at most the lock's lifetime. */
async function waitForToken(options: SharedTokensOptions, key: string): Promise<SharedToken | undefined> {
  const { clock } = options;
  const deadline = clock.now() + LOCK_TTL;
  for (let delay = 25; clock.now() < deadline; delay = Math.min(delay * 2, 500)) {
    await new Promise<void>((resolve) => clock.setTimer(resolve, delay));
    const token = await read(options, key);
    if (token) return token;
  }
  return undefined;
}

/** A token from the endpoint, stored in the shared cache for the rest of its life. */
async function fetchAndShare(options: SharedTokensOptions, key: string, request: KeyedTokenRequest): Promise<SharedToken> {
  const issued = await options.fetchToken(request);
  const shared = stored(issued);
  await guarded(options, () => options.cache.set(key, shared, issued.expiresAt - options.clock.now()));
  return { ...issued, shared };
}

/**
 * Tokens through the shared cache: `fetchToken` for the client's in-memory cache, and `forget`, which
 * drops a refused token from the shared cache (delete-if-same: a fresher token stays).
 */
export function sharedTokens(options: SharedTokensOptions) {
  const { cache } = options;
  const keyOf = (request: KeyedTokenRequest) => JSON.stringify([...options.owner, request.grant, request.scope, request.userId ?? null]);
  return {
    async fetchToken(request: KeyedTokenRequest): Promise<IssuedToken> {
      const key = keyOf(request);
      const cached = await read(options, key);
      if (cached && options.clock.now() < refreshAt(cached, options.refreshMargin)) return cached;
      // Absent or due for renewal: one process asks the token endpoint, the others wait for its token.
      let release: (() => void | Promise<void>) | undefined = () => undefined;
      try {
        if (cache.lock) release = await cache.lock(key, LOCK_TTL);
      } catch (error) {
        // A cache that fails is left out: this process asks the token endpoint itself.
        options.onError(error);
      }
      if (release === undefined) return cached ?? (await waitForToken(options, key)) ?? fetchAndShare(options, key, request);
      try {
        // Another process may have stored one between the read and the lock.
        const stored = cache.lock ? await read(options, key) : undefined;
        if (stored && stored.token !== cached?.token) return stored;
        return await fetchAndShare(options, key, request);
      } finally {
        await guarded(options, release);
      }
    },
    forget(request: KeyedTokenRequest, token: IssuedToken & { shared?: string }): void {
      const { shared } = token;
      if (shared !== undefined) void guarded(options, () => cache.delete(keyOf(request), shared));
    },
  };
}
