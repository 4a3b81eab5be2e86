/**
 * Instacart's OAuth, simulated (auth.md): `POST /v2/oauth/token` with the credentials in the JSON
 * body and the documented grants, tokens that expire after `expires_in` on the simulated clock,
 * scopes checked per operation from the spec's `security`, grants from its `x-grant-types`, and
 * revocation. Errors use OAuth names (`invalid_client`, `query_params_forbidden`, …), not the
 * Connect envelope.
 */
import type { components } from "../../generated/schema.js";
import { apiError, oauthError } from "./errors.js";
import type { Random } from "./random.js";
import type { SimAuthorizationCode } from "./state.js";
import type { Contract, OperationInfo } from "./validate.js";

type AccessTokenRequest = components["schemas"]["AccessTokenRequest"];
type AccessToken = components["schemas"]["AccessToken"];

export const CLIENT_CREDENTIALS = "client_credentials";
export const USER_ASSERTION = "fulfillment_user_assertion";
/** Listed by the docs for front-end tokens; its assertion format is not public (taken as USER_ASSERTION's: inferred). */
export const RETAILER_JSON_BEARER = "urn:ietf:params:oauth:grant-type:retailer-json-bearer";
export const AUTHORIZATION_CODE = "authorization_code";
/** The scope of account-linking tokens (auth.md §4). */
export const ACCOUNT_LINKING = "account_linking";

export interface TokenRecord {
  readonly grant: string;
  readonly scopes: ReadonlySet<string>;
  /** The Connect user of a user access token. */
  readonly userId: string | undefined;
  /** The sandbox Instacart user of a linking token. */
  readonly instacartUserId: number | undefined;
  readonly expiresAt: number;
  revoked: boolean;
}

export interface OAuthOptions {
  clientId: string;
  clientSecret: string;
  /** The scopes the simulated OAuth application may use. */
  scopes: readonly string[];
  /** Token lifetime in seconds (Instacart: 86 400). */
  tokenLifetime: number;
  maxTokens: number;
}

export interface OAuthServer {
  issue(body: AccessTokenRequest, codes: Map<string, SimAuthorizationCode>): AccessToken;
  revoke(body: { client_id: string; client_secret: string; token: string }): void;
  /** The token of a request to `operation`; throws the documented refusal. Undefined for the OAuth endpoints. */
  authenticate(authorization: string | null, operation: OperationInfo): TokenRecord | undefined;
  /** A live linking token (authorization-code grant), for `linkInstacartAccount`. */
  linkingToken(value: string): TokenRecord | undefined;
  clear(): void;
}

const USER_GRANTS = new Set([USER_ASSERTION, RETAILER_JSON_BEARER]);

/** Which grants may carry each scope: read from the operations that require it. */
function grantsByScope(contract: Contract): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const operation of contract.operations.values()) {
    for (const scope of operation.scopes ?? []) {
      const grants = result.get(scope) ?? new Set<string>();
      for (const grant of operation.grants) grants.add(grant);
      result.set(scope, grants);
    }
  }
  return result;
}

/** `{"user_id": "…"}` in Base64 (auth.md §5). */
function assertedUser(assertion: string | undefined): string {
  if (assertion === undefined || assertion === "") throw oauthError(400, "invalid_request", "`assertion` is required for this grant.");
  let decoded: unknown;
  try {
    decoded = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(assertion), (char) => char.charCodeAt(0))));
  } catch {
    throw oauthError(400, "invalid_grant", '`assertion` must be the Base64 of a JSON object {"user_id": "…"}.');
  }
  const userId = (decoded as { user_id?: unknown } | null)?.user_id;
  if (typeof userId !== "string" || userId === "") throw oauthError(400, "invalid_grant", "The assertion has no `user_id` string.");
  return userId;
}

interface OAuthContext {
  readonly options: OAuthOptions;
  readonly tokens: Map<string, TokenRecord>;
  /** Which grants may carry each scope. */
  readonly scopeGrants: Map<string, Set<string>>;
  readonly random: Random;
  readonly now: () => number;
}

/** The scopes a token gets: the requested ones (comma or space separated), or every allowed one its grant can carry. */
function grantScopes(context: OAuthContext, grant: string, requested: string | undefined): Set<string> {
  const allowed = new Set(context.options.scopes);
  const fits = (scope: string): boolean => context.scopeGrants.get(scope)?.has(grant) ?? false;
  if (requested === undefined || requested.trim() === "") return new Set([...allowed].filter(fits));
  const scopes = new Set(requested.split(/[\s,]+/).filter(Boolean));
  for (const scope of scopes) {
    if (!allowed.has(scope)) throw oauthError(400, "invalid_scope", `The application may not use the scope ${scope}.`);
    if (!fits(scope)) throw oauthError(400, "invalid_scope", `The scope ${scope} is not available with grant_type ${grant}.`);
  }
  return scopes;
}

/** Keeps a new token; when full, expired and revoked ones go first, then the oldest (it then answers 401). */
function storeToken(context: OAuthContext, record: TokenRecord): string {
  const { tokens, options, now } = context;
  if (tokens.size >= options.maxTokens) {
    for (const [value, entry] of tokens) if (entry.expiresAt <= now() || entry.revoked) tokens.delete(value);
    if (tokens.size >= options.maxTokens) tokens.delete(tokens.keys().next().value as string);
  }
  const value = context.random.token(43);
  tokens.set(value, record);
  return value;
}

function exchangeCode(context: OAuthContext, body: AccessTokenRequest, codes: Map<string, SimAuthorizationCode>): TokenRecord {
  const { now, options } = context;
  const given = body.code ?? "";
  const code = codes.get(given);
  if (code === undefined || code.expiresAt <= now())
    throw oauthError(400, "invalid_grant", "The authorization code is invalid or has expired.");
  if (body.redirect_uri !== code.redirectUri)
    throw oauthError(400, "invalid_grant", "`redirect_uri` does not match the one of the authorization.");
  codes.delete(given); // one use only
  const expiresAt = now() + options.tokenLifetime * 1000;
  return {
    grant: AUTHORIZATION_CODE,
    scopes: new Set([ACCOUNT_LINKING]),
    userId: undefined,
    instacartUserId: code.instacartUserId,
    expiresAt,
    revoked: false,
  };
}

function checkClient(options: OAuthOptions, clientId: string, clientSecret: string, status: number, error: string): void {
  if (clientId !== options.clientId || clientSecret !== options.clientSecret)
    throw oauthError(status, error, "Client authentication failed.");
}

/** The record of the grant the request asks for. */
function grantRecord(context: OAuthContext, body: AccessTokenRequest, codes: Map<string, SimAuthorizationCode>): TokenRecord {
  const expiresAt = context.now() + context.options.tokenLifetime * 1000;
  const base = { instacartUserId: undefined, expiresAt, revoked: false };
  if (body.grant_type === CLIENT_CREDENTIALS) {
    return { ...base, grant: CLIENT_CREDENTIALS, scopes: grantScopes(context, CLIENT_CREDENTIALS, body.scope), userId: undefined };
  }
  if (USER_GRANTS.has(body.grant_type)) {
    const userId = assertedUser(body.assertion);
    return { ...base, grant: body.grant_type, scopes: grantScopes(context, body.grant_type, body.scope), userId };
  }
  if (body.grant_type === AUTHORIZATION_CODE) return exchangeCode(context, body, codes);
  throw oauthError(400, "unsupported_grant_type", `grant_type ${body.grant_type} is not supported.`);
}

/** A request's token for `operation`, or the documented refusal. */
function authenticate(context: OAuthContext, authorization: string | null, operation: OperationInfo): TokenRecord | undefined {
  if (operation.scopes === undefined) return undefined;
  const value = /^Bearer +(\S+) *$/i.exec(authorization ?? "")?.[1];
  if (value === undefined) throw apiError(401, "Unauthorized: the access token is missing");
  const record = context.tokens.get(value);
  if (record === undefined) throw apiError(401, "Unauthorized: the access token is invalid");
  if (record.revoked) throw apiError(401, "Unauthorized: the access token was revoked");
  if (record.expiresAt <= context.now()) throw apiError(401, "Unauthorized: the access token has expired");
  if (!operation.grants.includes(record.grant)) {
    // A back-end token on a front-end operation: the post-checkout error tables' answer (A).
    if (record.grant === CLIENT_CREDENTIALS) throw apiError(400, "User ID not found", 4001);
    throw apiError(403, `Forbidden: a ${record.grant} token cannot call ${operation.operationId}`, null);
  }
  const missing = operation.scopes.filter((scope) => !record.scopes.has(scope));
  if (missing.length > 0) throw apiError(403, `Forbidden: the access token's scope does not include ${missing.join(", ")}`, null);
  return record;
}

export function createOAuthServer(options: OAuthOptions, contract: Contract, random: Random, now: () => number): OAuthServer {
  const context: OAuthContext = { options, tokens: new Map(), scopeGrants: grantsByScope(contract), random, now };
  return {
    issue(body, codes) {
      checkClient(options, body.client_id, body.client_secret, 401, "invalid_client");
      const record = grantRecord(context, body, codes);
      const answer: AccessToken = {
        access_token: storeToken(context, record),
        token_type: "Bearer",
        expires_in: options.tokenLifetime,
        created_at: Math.floor(now() / 1000),
      };
      // The docs' examples carry `scope` only when one was requested (auth.md §1).
      if (body.scope !== undefined || record.grant === AUTHORIZATION_CODE) answer.scope = [...record.scopes].join(",");
      return answer;
    },
    revoke(body) {
      // Only the application that issued a token may revoke it (auth.md §2).
      checkClient(options, body.client_id, body.client_secret, 403, "unauthorized_client");
      const record = context.tokens.get(body.token);
      if (record) record.revoked = true;
    },
    authenticate: (authorization, operation) => authenticate(context, authorization, operation),
    linkingToken(value) {
      const record = context.tokens.get(value);
      return record && record.grant === AUTHORIZATION_CODE && !record.revoked && record.expiresAt > now() ? record : undefined;
    },
    clear() {
      context.tokens.clear();
    },
  };
}
