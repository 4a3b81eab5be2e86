/**
 * Access tokens: client-credentials and user-assertion grants through the generated client (JSON
 * body to `POST /v2/oauth/token`), a cache per (server, client id, grant, scope, user), one request
 * in flight per key, refresh before expiry, invalidation after a 401, and revocation.
 */
import createClient from "openapi-fetch";
import type { components, paths } from "../generated/schema.js";
import { CallRequest } from "./buffered.js";
import { ConnectAuthError, parseErrorBody, type CallTarget } from "./errors.js";

export type Grant = "client_credentials" | "fulfillment_user_assertion";

/** What a token is for: the grant, the scope ("" = a token without a scope), the user of a user token. */
export interface TokenRequest {
  readonly grant: Grant;
  readonly scope: string;
  /** Connect user ID, for user access tokens. */
  readonly userId?: string | undefined;
}

/** What an `accessToken` function receives. */
export interface AccessTokenContext extends TokenRequest {
  /** The operation the token is for. */
  readonly operationId: string | undefined;
  /** True when the previous token was just refused with 401: return a fresh one. */
  readonly refresh: boolean;
}

/** `accessToken` option: a fixed token, or a function that returns one per call. */
export type AccessTokenOption = string | ((context: AccessTokenContext) => string | Promise<string>);

/** What the `onTokenRefresh` hook receives (never the token itself). */
export interface TokenRefreshInfo {
  readonly grant: Grant;
  readonly scope: string;
  readonly userId: string | undefined;
  /** Seconds until expiry, as Instacart said. */
  readonly expiresIn: number;
}

export type AccessToken = components["schemas"]["AccessToken"];

/** The two OAuth paths the token manager calls. */
export type OAuthPath = "/v2/oauth/token" | "/v2/oauth/token/revoke";

export interface TokenManagerOptions {
  baseUrl: string;
  /** Sends openapi-fetch's request for an OAuth path (a CallRequest: the OAuth client has no middleware). */
  send: (request: CallRequest, path: OAuthPath) => Promise<Response>;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  accessToken?: AccessTokenOption | undefined;
  /** Refresh this many milliseconds before `expires_in` runs out. */
  refreshMargin: number;
  headers: Record<string, string>;
  onTokenRefresh?: ((info: TokenRefreshInfo) => void) | undefined;
  /** Reports an error thrown by a hook (hooks never break a call). */
  onHookError?: ((hook: string, error: unknown) => void) | undefined;
}

interface CachedToken {
  readonly token: string;
  /** Epoch ms after which the token is refreshed before use. */
  readonly refreshAt: number;
  /** Epoch ms at which the token expires. */
  readonly expiresAt: number;
}

export interface TokenManager {
  /**
   * A token for this call: cached, fetched (one request per key at a time), or from `accessToken`.
   * A cached or fixed token is returned as is (no promise), so a call does not wait a turn for it.
   */
  get(request: TokenRequest, target: CallTarget, refresh?: boolean): string | Promise<string>;
  /** Forgets `token` for this key after Instacart refused it (only if it is still the cached one). */
  invalidate(request: TokenRequest, token: string): void;
  /** Mints a fresh token that is not cached (for handing a user token to a browser). */
  mint(request: TokenRequest): Promise<AccessToken>;
  /** Revokes every cached token and empties the cache. */
  revokeAll(): Promise<{ revoked: number; failed: ConnectAuthError[] }>;
  /** Replaces any secret this manager knows with `[redacted]`. */
  redact(text: string): string;
}

/** Visible ASCII: what `Authorization: Bearer <token>` can carry (no spaces, controls or line breaks). */
const BEARER_TOKEN = /^[\x21-\x7e]+$/;
/** Cached tokens kept at most (expired ones are swept first); user tokens make one entry per user. */
const MAX_CACHED_TOKENS = 10_000;
/** Revocations sent at once by `revokeAll`. */
const REVOKE_CONCURRENCY = 8;

/** Whether a token can be sent as `Authorization: Bearer <token>`. */
export function isSendableToken(token: unknown): token is string {
  return typeof token === "string" && BEARER_TOKEN.test(token);
}

/** Base64 of `{"user_id": "<id>"}`: the assertion of `fulfillment_user_assertion`. */
export function userAssertion(userId: string): string {
  return Buffer.from(JSON.stringify({ user_id: userId }), "utf8").toString("base64");
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { baseUrl, clientId, clientSecret, accessToken, refreshMargin } = options;
  const oauth = createClient<paths>({ baseUrl, headers: options.headers, Request: CallRequest as unknown as typeof Request });
  const via = (path: OAuthPath) => (request: Request) => options.send(request as unknown as CallRequest, path);
  const sendToken = via("/v2/oauth/token");
  const sendRevoke = via("/v2/oauth/token/revoke");
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  /** Recent token values, so that none can leak through an error message (with the cached ones). */
  const known = new Set<string>();
  /** Bumped by `revokeAll`: a token request that started before it does not fill the emptied cache. */
  let epoch = 0;

  const keyOf = (request: TokenRequest): string =>
    `${baseUrl}\u0000${clientId ?? ""}\u0000${request.grant}\u0000${request.scope}\u0000${request.userId ?? ""}`;

  function remember(token: string): void {
    if (known.has(token)) return;
    if (known.size >= 1000) known.delete(known.values().next().value as string);
    known.add(token);
  }

  function redact(text: string): string {
    let out = text;
    const scrub = (secret: string | undefined): void => {
      if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("[redacted]");
    };
    scrub(clientSecret);
    for (const token of known) scrub(token);
    for (const entry of cache.values()) scrub(entry.token);
    return out;
  }

  function notify(info: TokenRefreshInfo): void {
    try {
      options.onTokenRefresh?.(info);
    } catch (error) {
      options.onHookError?.("onTokenRefresh", error);
    }
  }

  /** Caches a token, sweeping expired entries (and the oldest ones) to keep the cache bounded. */
  function store(key: string, entry: CachedToken): void {
    cache.delete(key);
    cache.set(key, entry);
    if (cache.size <= MAX_CACHED_TOKENS) return;
    const now = Date.now();
    for (const [k, e] of cache) if (e.expiresAt <= now) cache.delete(k);
    for (const k of cache.keys()) {
      if (cache.size <= MAX_CACHED_TOKENS) break;
      cache.delete(k);
    }
  }

  async function requestToken(request: TokenRequest): Promise<AccessToken> {
    if (!clientId || !clientSecret) {
      throw new ConnectAuthError("no credentials: pass clientId and clientSecret (or accessToken) to createConnectClient");
    }
    const what = `${request.grant === "client_credentials" ? "client-credentials" : "user"} token request${request.scope ? ` (scope ${request.scope})` : ""}`;
    let result;
    try {
      result = await oauth.POST("/v2/oauth/token", {
        fetch: sendToken,
        body: {
          client_id: clientId,
          client_secret: clientSecret,
          grant_type: request.grant,
          ...(request.scope ? { scope: request.scope } : {}),
          ...(request.userId !== undefined ? { assertion: userAssertion(request.userId) } : {}),
        },
      });
    } catch (error) {
      if (error instanceof ConnectAuthError) throw error;
      // A JSON parse error quotes the body, which may hold the token: keep neither as the cause.
      if (error instanceof SyntaxError) throw new ConnectAuthError(`${what} failed: the token endpoint answered with invalid JSON`);
      throw new ConnectAuthError(`${what} failed: ${redact(error instanceof Error ? error.message : String(error))}`, { cause: error });
    }
    const { data, error, response } = result;
    if (!response.ok) {
      const parsed = parseErrorBody(error);
      const message = parsed?.item.message || (typeof (error as unknown) === "string" && (error as unknown as string).length <= 200 ? (error as unknown as string) : "") || response.statusText;
      throw new ConnectAuthError(`${what} failed with HTTP ${response.status}${message ? `: ${redact(message)}` : ""}`, {
        status: response.status,
        code: redactCode(parsed?.item.code ?? parsed?.item.key),
      });
    }
    if (!data || typeof data.access_token !== "string" || data.access_token === "") {
      throw new ConnectAuthError(`${what} failed: the token endpoint answered HTTP ${response.status} without an access_token`, {
        status: response.status,
      });
    }
    if (!isSendableToken(data.access_token)) {
      throw new ConnectAuthError(`${what} failed: the access_token holds characters an Authorization header cannot carry`, { status: response.status });
    }
    remember(data.access_token);
    return data;
  }

  function redactCode(code: number | string | null | undefined): number | string | null | undefined {
    return typeof code === "string" ? redact(code) : code;
  }

  async function fetchAndCache(key: string, request: TokenRequest): Promise<CachedToken> {
    // `expires_in` counts from when Instacart issued the token, somewhere between sending the request
    // and reading the answer: count from the request, so a slow answer never stretches the token's life.
    const requestedAt = Date.now();
    const startedIn = epoch;
    const data = await requestToken(request);
    const lifetime = (typeof data.expires_in === "number" && Number.isFinite(data.expires_in) && data.expires_in > 0 ? data.expires_in : 0) * 1000;
    const entry: CachedToken = {
      token: data.access_token,
      expiresAt: requestedAt + lifetime,
      // Never refresh earlier than half-way: a margin longer than the lifetime would cache nothing.
      refreshAt: requestedAt + lifetime - Math.min(refreshMargin, lifetime / 2),
    };
    if (startedIn === epoch) store(key, entry);
    notify({ grant: request.grant, scope: request.scope, userId: request.userId, expiresIn: lifetime / 1000 });
    return entry;
  }

  async function external(
    option: Exclude<AccessTokenOption, string>,
    request: TokenRequest,
    target: CallTarget,
    refresh: boolean,
  ): Promise<string> {
    let token: unknown;
    try {
      token = await option({ ...request, operationId: target.operationId, refresh });
    } catch (error) {
      if (error instanceof ConnectAuthError) throw error;
      throw new ConnectAuthError(`the accessToken function failed: ${redact(error instanceof Error ? error.message : String(error))}`, {
        operationId: target.operationId,
        cause: error,
      });
    }
    if (typeof token !== "string" || token === "") {
      throw new ConnectAuthError("the accessToken function returned no token", { operationId: target.operationId });
    }
    if (!isSendableToken(token)) {
      throw new ConnectAuthError("the accessToken function returned a token with characters an Authorization header cannot carry", {
        operationId: target.operationId,
      });
    }
    remember(token);
    return token;
  }

  /** The token request of `key`, shared by every call that needs it meanwhile. */
  function pendingFor(key: string, request: TokenRequest): Promise<CachedToken> {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchAndCache(key, request).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    get(request, target, refresh = false) {
      if (accessToken !== undefined) {
        if (typeof accessToken === "string") {
          remember(accessToken);
          return accessToken;
        }
        return external(accessToken, request, target, refresh);
      }
      const key = keyOf(request);
      const cached = cache.get(key);
      if (cached) {
        const now = Date.now();
        if (now < cached.refreshAt) return cached.token;
        if (now < cached.expiresAt) {
          // Inside the refresh margin: renew in the background (one request), use the valid token now.
          // A failed renewal is retried by the next call, and surfaces once the token has expired.
          pendingFor(key, request).catch(() => undefined);
          return cached.token;
        }
      }
      return pendingFor(key, request).then((entry) => entry.token);
    },

    invalidate(request, token) {
      const key = keyOf(request);
      if (cache.get(key)?.token === token) cache.delete(key);
    },

    mint: requestToken,

    async revokeAll() {
      epoch += 1;
      const now = Date.now();
      // Expired tokens need no revoking.
      const live = [...new Set([...cache.values()].filter((entry) => entry.expiresAt > now).map((entry) => entry.token))];
      cache.clear();
      const failed: ConnectAuthError[] = [];
      if (!clientId || !clientSecret) return { revoked: 0, failed };
      const revoke = async (token: string): Promise<void> => {
        try {
          const { response, error } = await oauth.POST("/v2/oauth/token/revoke", {
            fetch: sendRevoke,
            body: { client_id: clientId, client_secret: clientSecret, token },
          });
          if (!response.ok) {
            const parsed = parseErrorBody(error);
            failed.push(
              new ConnectAuthError(
                `token revocation failed with HTTP ${response.status}${parsed?.item.message ? `: ${redact(parsed.item.message)}` : ""}`,
                { status: response.status, code: redactCode(parsed?.item.code ?? parsed?.item.key) },
              ),
            );
          }
        } catch (error) {
          failed.push(new ConnectAuthError(`token revocation failed: ${redact(error instanceof Error ? error.message : String(error))}`));
        }
      };
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < live.length) await revoke(live[next++] as string);
      };
      await Promise.all(Array.from({ length: Math.min(REVOKE_CONCURRENCY, live.length) }, worker));
      return { revoked: live.length - failed.length, failed };
    },

    redact,
  };
}
