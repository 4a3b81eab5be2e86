/**
 * The retailer's token endpoint for event callbacks: before it posts callbacks, Instacart asks the
 * retailer for an access token with an OAuth 2.0 client-credentials form POST, and sends that token
 * with each callback. This module answers that request; issuing and checking tokens stays yours.
 */
import { ConnectConfigError } from "./errors.js";
import { readBody } from "./read-body.js";

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
   * Issues a token (store it, or sign it, so the callback handler's `authorize` recognises it).
   * `scope` and `resource` are the request's, when it has them.
   */
  issueToken(request: { scope?: string; resource?: string }): CallbackAccessTokenGrant | Promise<CallbackAccessTokenGrant>;
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
  const { clientId, clientSecret, issueToken } = options;
  for (const [name, value] of [["clientId", clientId], ["clientSecret", clientSecret]] as const) {
    if (typeof value !== "string" || value === "") throw new ConnectConfigError(`\`${name}\` is required and must be a non-empty string.`);
  }
  if (typeof issueToken !== "function") throw new ConnectConfigError("`issueToken` is required.");
  const expectedScope = options.scope === undefined ? undefined : scopeSet(options.scope);

  return async function handleTokenRequest(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return oauthError(405, "invalid_request", "The token endpoint accepts POST only.", { allow: "POST" });
    }
    const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      return oauthError(400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
    }
    // An unauthenticated endpoint: read at most a small form (credentials, grant, scope, resource).
    const body = await readBody(request, MAX_FORM_BYTES);
    if (body === undefined) return oauthError(413, "invalid_request", `The body is larger than ${MAX_FORM_BYTES} bytes.`);
    const form = new URLSearchParams(new TextDecoder().decode(body));
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1) return oauthError(400, "invalid_request", `\`${name}\` is given more than once.`);
    }
    const givenId = form.get("client_id");
    const givenSecret = form.get("client_secret");
    if (givenId === null || givenSecret === null) {
      return oauthError(401, "invalid_client", "`client_id` and `client_secret` are required.");
    }
    // Both comparisons always run, so the answer time does not tell which one failed.
    const idMatches = sameSecret(givenId, clientId);
    const secretMatches = sameSecret(givenSecret, clientSecret);
    if (!idMatches || !secretMatches) return oauthError(401, "invalid_client", "Client authentication failed.");

    const grantType = form.get("grant_type");
    if (grantType === null) return oauthError(400, "invalid_request", "`grant_type` is required.");
    if (grantType !== "client_credentials") {
      return oauthError(400, "unsupported_grant_type", "Only `client_credentials` is supported.");
    }
    const scope = form.get("scope") ?? undefined;
    if (expectedScope !== undefined && (scope === undefined || scopeSet(scope) !== expectedScope)) {
      return oauthError(400, "invalid_scope", `The scope must be \`${options.scope}\`.`);
    }
    const resource = form.get("resource") ?? undefined;

    let grant: CallbackAccessTokenGrant;
    try {
      grant = await issueToken({ ...(scope === undefined ? {} : { scope }), ...(resource === undefined ? {} : { resource }) });
    } catch {
      return oauthError(500, "server_error", "The token could not be issued.");
    }
    if (typeof grant?.accessToken !== "string" || grant.accessToken === "" || !Number.isSafeInteger(grant.expiresIn) || grant.expiresIn < 1) {
      return oauthError(500, "server_error", "The token issuer returned no token or no positive integer lifetime.");
    }
    return new Response(
      JSON.stringify({ access_token: grant.accessToken, token_type: "Bearer", expires_in: grant.expiresIn }),
      { status: 200, headers: { "content-type": "application/json", "cache-control": "no-store", pragma: "no-cache" } },
    );
  };
}
