/**
 * The retailer's token endpoint for event callbacks: before it posts callbacks, Instacart asks the
 * retailer for an access token with an OAuth 2.0 client-credentials form POST, and sends that token
 * with each callback. This module answers that request with signed tokens (`signingSecret`, checked
 * by `createCallbackTokenVerifier` on any instance) or with your own issuer's tokens.
 */
import { ConnectConfigError } from "../errors.js";
import { isB64Token, MAX_TOKEN_LENGTH } from "./b64token.js";
import { readBody } from "./read-body.js";
import { type CallbackSigningSecret, signingKeys, signToken } from "./signed-token.js";

const MAX_FORM_BYTES = 16 * 1024;

/** What your token issuer returns: the token and its lifetime in seconds. */
export interface CallbackAccessTokenGrant {
  accessToken: string;
  expiresIn: number;
}

export interface CallbackTokenHandlerOptions {
  /** The client ID you entered for Instacart in the Developer Dashboard's webhook configuration. */
  clientId: string;
  /** The client secret you entered there (development and production may not share one). */
  clientSecret: string;
  /** The scope your webhook configuration sets, if any: the request must then carry exactly it. */
  scope?: string;
  /**
   * The default issuer: signed, expiring tokens (HMAC-SHA256) that every receiver instance sharing
   * this secret accepts through `createCallbackTokenVerifier`. At least 32 bytes; a list rotates
   * keys (the first signs). Give this or `issueToken`.
   */
  signingSecret?: CallbackSigningSecret;
  /** Lifetime of a signed token, in seconds. Default 3600. */
  expiresIn?: number;
  /**
   * Your own issuer instead of `signingSecret` (store the token, or sign it, so the callback
   * handler's `authorize` recognises it). `scope` and `resource` are the request's, when it has
   * them. The token must be an RFC 6750 `b64token` (letters, digits, `-._~+/`, then `=`s), the only
   * syntax a bearer header carries: another one is answered 500 and reported, never issued.
   */
  issueToken?(request: { scope?: string; resource?: string }): CallbackAccessTokenGrant | Promise<CallbackAccessTokenGrant>;
  /** Told about every failure that becomes a 500 (an issuer that threw or returned a bad grant). */
  onError?(error: unknown): void;
}

type Issuer = NonNullable<CallbackTokenHandlerOptions["issueToken"]>;

/** The issuer the options ask for; throws `ConnectConfigError` when they ask for none or both. */
function chooseIssuer(options: CallbackTokenHandlerOptions): Issuer {
  const { issueToken, signingSecret } = options;
  if ((issueToken === undefined) === (signingSecret === undefined)) {
    throw new ConnectConfigError("Give `signingSecret` (signed tokens any instance can check) or your own `issueToken`, not both.");
  }
  if (issueToken !== undefined) {
    if (typeof issueToken !== "function") throw new ConnectConfigError("`issueToken` must be a function.");
    return issueToken;
  }
  const expiresIn = options.expiresIn ?? 3600;
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 1) throw new ConnectConfigError("`expiresIn` must be a positive integer (seconds).");
  const keys = signingKeys(signingSecret as CallbackSigningSecret);
  return async () => ({ accessToken: await signToken(keys, Math.floor(Date.now() / 1000) + expiresIn), expiresIn });
}

/** Why an issuer's grant cannot be sent, or undefined when it can. */
function grantProblem(grant: CallbackAccessTokenGrant | undefined): string | undefined {
  if (typeof grant?.accessToken !== "string" || grant.accessToken === "") return "returned no token";
  if (!isB64Token(grant.accessToken)) {
    return `returned a token that is not an RFC 6750 b64token of at most ${MAX_TOKEN_LENGTH} characters (letters, digits, \`-._~+/\`, then \`=\`s): a bearer header cannot carry it`;
  }
  if (!Number.isSafeInteger(grant.expiresIn) || grant.expiresIn < 1) return "returned no positive integer lifetime (`expiresIn`, seconds)";
  return undefined;
}

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache", ...headers },
  });
}

/** Compares two secrets in time that depends only on their lengths. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let difference = a.length ^ b.length;
  for (let index = 0; index < b.length; index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}

function scopeSet(scope: string): string {
  return [...new Set(scope.split(" ").filter(Boolean))].sort().join(" ");
}

/**
 * A `(request: Request) => Promise<Response>` handler for the token endpoint (the auth URI of your
 * webhook configuration). It accepts what the docs say Instacart sends, a form POST
 * (`application/x-www-form-urlencoded`) with `client_id`, `client_secret`,
 * `grant_type=client_credentials` and, if configured, `scope` (and an optional `resource`), and
 * answers `{ access_token, token_type: "Bearer", expires_in }`. Refusals are OAuth 2.0 errors
 * (RFC 6749 §5.2): 400 `invalid_request`, `unsupported_grant_type` or `invalid_scope`; 401
 * `invalid_client`; 405 for another method.
 */
export function createCallbackTokenHandler(options: CallbackTokenHandlerOptions): (request: Request) => Promise<Response> {
  const { clientId, clientSecret } = options;
  for (const [name, value] of [
    ["clientId", clientId],
    ["clientSecret", clientSecret],
  ] as const) {
    if (typeof value !== "string" || value === "") throw new ConnectConfigError(`\`${name}\` is required and must be a non-empty string.`);
  }
  const issueToken = chooseIssuer(options);
  const report = (error: unknown): void => {
    try {
      options.onError?.(error);
    } catch {
      // a failing logger must not change the answer
    }
  };
  const expectedScope = options.scope === undefined ? undefined : scopeSet(options.scope);
  const checkGrantRequest = (form: URLSearchParams): Response | { scope?: string; resource?: string } => {
    const grantType = form.get("grant_type");
    if (grantType === null) return oauthError(400, "invalid_request", "`grant_type` is required.");
    if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type", "Only `client_credentials` is supported.");
    const scope = form.get("scope") ?? undefined;
    if (expectedScope !== undefined && (scope === undefined || scopeSet(scope) !== expectedScope)) {
      return oauthError(400, "invalid_scope", `The scope must be \`${options.scope}\`.`);
    }
    const resource = form.get("resource") ?? undefined;
    return { ...(scope === undefined ? {} : { scope }), ...(resource === undefined ? {} : { resource }) };
  };

  return async function handleTokenRequest(request: Request): Promise<Response> {
    const form = await readForm(request, report);
    if (form instanceof Response) return form;
    const refused = checkClient(form, clientId, clientSecret);
    if (refused) return refused;
    const grantRequest = checkGrantRequest(form);
    if (grantRequest instanceof Response) return grantRequest;
    return issue(issueToken, grantRequest, report);
  };
}

/** The token request's form, or the 405, 400, 413 or 500 answer. */
async function readForm(request: Request, report: (error: unknown) => void): Promise<URLSearchParams | Response> {
  if (request.method !== "POST") return oauthError(405, "invalid_request", "The token endpoint accepts POST only.", { allow: "POST" });
  const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return oauthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
  }
  // An unauthenticated endpoint: read at most a small form (credentials, grant, scope, resource).
  let body: Uint8Array | undefined;
  try {
    body = await readBody(request, MAX_FORM_BYTES);
  } catch (error) {
    report(error);
    return oauthError(500, "server_error", "The request body could not be read.");
  }
  if (body === undefined) return oauthError(413, "invalid_request", `The body is larger than ${MAX_FORM_BYTES} bytes.`);
  const form = new URLSearchParams(new TextDecoder().decode(body));
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) return oauthError(400, "invalid_request", `\`${name}\` is given more than once.`);
  }
  return form;
}

/** The 401 answer when the form's client credentials are missing or wrong; else undefined. */
function checkClient(form: URLSearchParams, clientId: string, clientSecret: string): Response | undefined {
  const givenId = form.get("client_id");
  const givenSecret = form.get("client_secret");
  if (givenId === null || givenSecret === null) return oauthError(401, "invalid_client", "`client_id` and `client_secret` are required.");
  // Both comparisons always run, so the answer time does not tell which one failed.
  const idMatches = sameSecret(givenId, clientId);
  const secretMatches = sameSecret(givenSecret, clientSecret);
  return idMatches && secretMatches ? undefined : oauthError(401, "invalid_client", "Client authentication failed.");
}

/** Asks the issuer for a token and answers it, or answers 500 (reported) when the grant is unusable. */
async function issue(
  issueToken: Issuer,
  grantRequest: { scope?: string; resource?: string },
  report: (error: unknown) => void,
): Promise<Response> {
  let grant: CallbackAccessTokenGrant;
  try {
    grant = await issueToken(grantRequest);
  } catch (error) {
    report(error);
    return oauthError(500, "server_error", "The token could not be issued.");
  }
  const problem = grantProblem(grant);
  if (problem !== undefined) {
    report(new ConnectConfigError(`The token issuer (\`issueToken\`) ${problem}.`));
    return oauthError(500, "server_error", "The token issuer returned an unusable grant.");
  }
  return new Response(JSON.stringify({ access_token: grant.accessToken, token_type: "Bearer", expires_in: grant.expiresIn }), {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" },
  });
}
