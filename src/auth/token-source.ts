/**
 * Where a call's token comes from: the `accessToken` option (a fixed token, or a function asked per
 * call), or client credentials (the token cache, see token-cache.ts).
 */
import { ConnectAuthError, messageOf, type CallTarget } from "../errors.js";
import { isSendableToken } from "./bearer.js";
import type { Redactor } from "./secrets.js";
import type { AccessTokenOption, KeyedTokenRequest } from "./types.js";

export interface TokenSource {
  /** True for a fixed `accessToken`: a 401 cannot be cured by asking again. */
  readonly fixed: boolean;
  /** The token for a call (a string when it is at hand, so the call does not wait a turn). `refresh`: the last one was refused. */
  get(request: KeyedTokenRequest, target: CallTarget, refresh: boolean): string | Promise<string>;
  /** Forgets a token Instacart refused. */
  invalidate(request: KeyedTokenRequest, token: string): void;
}

/** Asks the `accessToken` function for a call's token; anything but a sendable token is a ConnectAuthError. */
async function ask(
  fn: Exclude<AccessTokenOption, string>,
  { grant, scope, userId }: KeyedTokenRequest,
  target: CallTarget,
  refresh: boolean,
  redactor: Redactor,
): Promise<string> {
  let token: unknown;
  try {
    token = await fn({ grant, scope, userId, operationId: target.operationId, refresh });
  } catch (error) {
    if (error instanceof ConnectAuthError) throw error;
    throw new ConnectAuthError(`the accessToken function failed: ${redactor.redact(messageOf(error))}`, { target, cause: error });
  }
  if (!isSendableToken(token)) {
    const problem = typeof token === "string" && token !== "" ? "a token with characters an Authorization header cannot carry" : "no token";
    throw new ConnectAuthError(`the accessToken function returned ${problem}`, { target });
  }
  redactor.remember(token);
  return token;
}

/** Tokens from the `accessToken` option. */
export function accessTokenSource(option: AccessTokenOption, redactor: Redactor): TokenSource {
  if (typeof option === "string") redactor.remember(option);
  return {
    fixed: typeof option === "string",
    get: (request, target, refresh) => (typeof option === "string" ? option : ask(option, request, target, refresh, redactor)),
    invalidate: () => undefined,
  };
}
