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

export interface TokenManagerOptions {
  baseUrl: string;
  /** Gets openapi-fetch's request for the token endpoint (a CallRequest: it has no middleware). */
  fetch: (request: CallRequest) => Promise<Response>;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  accessToken?: AccessTokenOption | undefined;
  /** Refresh this many milliseconds before `expires_in` runs out. */
  refreshMargin: number;
  headers: Record<string, string>;
  onTokenRefresh?: ((info: TokenRefreshInfo) => void) | undefined;
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

/** Base64 of `{"user_id": "<id>"}`: the assertion of `fulfillment_user_assertion`. */
export function userAssertion(userId: string): string {
  return Buffer.from(JSON.stringify({ user_id: userId }), "utf8").toString("base64");
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { baseUrl, clientId, clientSecret, accessToken, refreshMargin } = options;
  const oauth = createClient<paths>({
    baseUrl,
    fetch: options.fetch as (request: Request) => Promise<Response>,
    headers: options.headers,
    Request: CallRequest as unknown as typeof Request,
  });
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  /** Every token value seen, so that none can leak through an error message (bounded). */
  const known = new Set<string>();

  const keyOf = (request: TokenRequest): string =>
    `${baseUrl}\u0000${clientId ?? ""}\u0000${request.grant}\u0000${request.scope}\u0000${request.userId ?? ""}`;

  function remember(token: string): void {
    if (known.size >= 1000) known.delete(known.values().next().value as string);
    known.add(token);
  }

  function redact(text: string): string {
    let out = text;
    for (const secret of [clientSecret, ...known]) {
      if (secret && secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("[redacted]");
    }
    return out;
  }

  async function requestToken(request: TokenRequest): Promise<AccessToken> {
    if (!clientId || !clientSecret) {
      throw new ConnectAuthError("no credentials: pass clientId and clientSecret (or accessToken) to createConnectClient");
    }
    const what = `${request.grant === "client_credentials" ? "client-credentials" : "user"} token request${request.scope ? ` (scope ${request.scope})` : ""}`;
    let result;
    try {
      result = await oauth.POST("/v2/oauth/token", {
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
      const reason = error instanceof SyntaxError ? "the token endpoint answered with invalid JSON" : error instanceof Error ? error.message : String(error);
      throw new ConnectAuthError(`${what} failed: ${redact(reason)}`, { cause: error });
    }
    const { data, error, response } = result;
    if (!response.ok) {
      const parsed = parseErrorBody(error);
      const message = parsed?.item.message || (typeof (error as unknown) === "string" && (error as unknown as string).length <= 200 ? (error as unknown as string) : "") || response.statusText;
      throw new ConnectAuthError(`${what} failed with HTTP ${response.status}${message ? `: ${redact(message)}` : ""}`, {
        status: response.status,
        code: parsed?.item.code ?? parsed?.item.key,
      });
    }
    if (!data || typeof data.access_token !== "string" || data.access_token === "") {
      throw new ConnectAuthError(`${what} failed: the token endpoint answered HTTP ${response.status} without an access_token`, {
        status: response.status,
      });
    }
    remember(data.access_token);
    return data;
  }

  async function fetchAndCache(key: string, request: TokenRequest): Promise<CachedToken> {
    // `expires_in` counts from when Instacart issued the token, somewhere between sending the request
    // and reading the answer: count from the request, so a slow answer never stretches the token's life.
    const requestedAt = Date.now();
    const data = await requestToken(request);
    const expiresIn = typeof data.expires_in === "number" && Number.isFinite(data.expires_in) && data.expires_in > 0 ? data.expires_in : 0;
    const entry: CachedToken = {
      token: data.access_token,
      expiresAt: requestedAt + expiresIn * 1000,
      refreshAt: requestedAt + Math.max(0, expiresIn * 1000 - refreshMargin),
    };
    cache.set(key, entry);
    options.onTokenRefresh?.({ grant: request.grant, scope: request.scope, userId: request.userId, expiresIn });
    return entry;
  }

  async function external(
    option: Exclude<AccessTokenOption, string>,
    request: TokenRequest,
    target: CallTarget,
    refresh: boolean,
  ): Promise<string> {
    const token = await option({ ...request, operationId: target.operationId, refresh });
    if (typeof token !== "string" || token === "") {
      throw new ConnectAuthError("the accessToken function returned no token", { operationId: target.operationId });
    }
    remember(token);
    return token;
  }

  /** Fetches the token of `key`, sharing one request between every call that needs it meanwhile. */
  async function refreshed(key: string, request: TokenRequest, cached: CachedToken | undefined, now: number): Promise<string> {
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchAndCache(key, request).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    try {
      return (await pending).token;
    } catch (error) {
      // A failed refresh inside the margin keeps using the token while it is still valid.
      if (cached && now < cached.expiresAt && cache.get(key) === cached) return cached.token;
      throw error;
    }
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
      const now = Date.now();
      if (cached && now < cached.refreshAt) return cached.token;
      return refreshed(key, request, cached, now);
    },

    invalidate(request, token) {
      const key = keyOf(request);
      if (cache.get(key)?.token === token) cache.delete(key);
    },

    mint: requestToken,

    async revokeAll() {
      const tokens = [...new Set([...cache.values()].map((entry) => entry.token))];
      cache.clear();
      const failed: ConnectAuthError[] = [];
      if (!clientId || !clientSecret) return { revoked: 0, failed };
      await Promise.all(
        tokens.map(async (token) => {
          try {
            const { response, error } = await oauth.POST("/v2/oauth/token/revoke", {
              body: { client_id: clientId, client_secret: clientSecret, token },
            });
            if (!response.ok) {
              const parsed = parseErrorBody(error);
              failed.push(
                new ConnectAuthError(
                  `token revocation failed with HTTP ${response.status}${parsed?.item.message ? `: ${redact(parsed.item.message)}` : ""}`,
                  { status: response.status, code: parsed?.item.code ?? parsed?.item.key },
                ),
              );
            }
          } catch (error) {
            failed.push(new ConnectAuthError(`token revocation failed: ${redact(error instanceof Error ? error.message : String(error))}`));
          }
        }),
      );
      return { revoked: tokens.length - failed.length, failed };
    },

    redact,
  };
}
