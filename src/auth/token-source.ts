/**
 * Where a client's tokens come from: a fixed `accessToken`, an `accessToken` function, or client
 * credentials (the token cache in front of the OAuth calls). Also mints uncached user tokens and
 * revokes the cached ones.
 */
import { ConnectAuthError, type CallTarget } from "../errors.js";
import { isSendableToken } from "./bearer.js";
import type { OAuth } from "./oauth.js";
import type { Redactor } from "./secrets.js";
import type { TokenCache } from "./token-cache.js";
import type { AccessToken, AccessTokenOption, KeyedTokenRequest, TokenRequest } from "./types.js";

export interface RevokeResult {
  /** Tokens revoked. */
  revoked: number;
  /** Revocations that failed (the cache is emptied anyway). */
  failed: ConnectAuthError[];
}

export interface TokenSource {
  /** True for a fixed `accessToken`: a 401 cannot be cured by asking again. */
  readonly fixed: boolean;
  /** The token for a call (a string when it is at hand, so the call does not wait a turn). `refresh`: the last one was refused. */
  get(request: KeyedTokenRequest, target: CallTarget, refresh: boolean): string | Promise<string>;
  /** Forgets a token Instacart refused. */
  invalidate(request: KeyedTokenRequest, token: string): void;
  /** A fresh token that is not cached (a user token to hand to a browser). */
  mint(request: TokenRequest): Promise<AccessToken>;
  /** Revokes every cached token and empties the cache. */
  revokeAll(): Promise<RevokeResult>;
}

/** Revocations sent at once by `revokeAll`. */
const REVOKE_CONCURRENCY = 8;

/** Tokens from the `accessToken` option (fixed, or a function asked per call). */
export function accessTokenSource(option: AccessTokenOption, redactor: Redactor): TokenSource {
  async function ask(
    fn: Exclude<AccessTokenOption, string>,
    request: KeyedTokenRequest,
    target: CallTarget,
    refresh: boolean,
  ): Promise<string> {
    const { operationId } = target;
    let token: unknown;
    try {
      const context = { grant: request.grant, scope: request.scope, ...(request.userId === undefined ? {} : { userId: request.userId }) };
      token = await fn({ ...context, operationId, refresh });
    } catch (error) {
      if (error instanceof ConnectAuthError) throw error;
      const message = redactor.redact(error instanceof Error ? error.message : String(error));
      throw new ConnectAuthError(`the accessToken function failed: ${message}`, { target, cause: error });
    }
    if (typeof token !== "string" || token === "") throw new ConnectAuthError("the accessToken function returned no token", { target });
    if (!isSendableToken(token)) {
      throw new ConnectAuthError("the accessToken function returned a token with characters an Authorization header cannot carry", {
        target,
      });
    }
    redactor.remember(token);
    return token;
  }
  if (typeof option === "string") redactor.remember(option);
  const noCredentials = (): never => {
    throw new ConnectAuthError("no credentials: pass clientId and clientSecret (or accessToken) to createConnectClient");
  };
  return {
    fixed: typeof option === "string",
    get: (request, target, refresh) => (typeof option === "string" ? option : ask(option, request, target, refresh)),
    invalidate: () => undefined,
    mint: async () => noCredentials(),
    revokeAll: async () => ({ revoked: 0, failed: [] }),
  };
}

/** Tokens from the token endpoint, cached. */
export function credentialsTokenSource(cache: TokenCache, oauth: OAuth): TokenSource {
  return {
    fixed: false,
    get: (request) => cache.get(request),
    invalidate: (request, token) => cache.invalidate(request, token),
    mint: (request) => oauth.requestToken(request),
    async revokeAll() {
      // Expired tokens need no revoking; at most 8 revocations at a time.
      const live = cache.drain();
      const failed: ConnectAuthError[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < live.length) {
          const failure = await oauth.revokeToken(live[next++] as string);
          if (failure) failed.push(failure);
        }
      };
      await Promise.all(Array.from({ length: Math.min(REVOKE_CONCURRENCY, live.length) }, worker));
      return { revoked: live.length - failed.length, failed };
    },
  };
}
