/** The public types of tokens: what a token is for, the `accessToken` option, and what hooks are told. */
import type { Grant } from "../../generated/operations.js";
import type { components } from "../../generated/schema.js";

export type { Grant } from "../../generated/operations.js";

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

/** The token endpoint's answer. */
export type AccessToken = components["schemas"]["AccessToken"];

/** A token request with its cache key (made once per operation for client-credentials tokens). */
export interface KeyedTokenRequest extends TokenRequest {
  /** Grant, scope and user: one cached token per key. */
  readonly key: string;
}

/** A token request with its cache key. */
export function keyed(grant: Grant, scope: string, userId?: string): KeyedTokenRequest {
  return { grant, scope, userId, key: `${grant}\u0000${scope}\u0000${userId ?? ""}` };
}
