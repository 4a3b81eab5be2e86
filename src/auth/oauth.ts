/**
 * The OAuth calls: `POST /v2/oauth/token` (client-credentials and user-assertion grants, credentials
 * in a JSON body) and `POST /v2/oauth/token/revoke`, made through openapi-fetch and the client's
 * transport (timeouts and retries apply; no token is sent).
 */
import createClient from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { parseErrorItem } from "../error-body.js";
import { ConnectAuthError, messageOf } from "../errors.js";
import { CallRequest, type OutgoingRequest } from "../transport/fast-path.js";
import { isSendableToken } from "./bearer.js";
import type { Redactor } from "./secrets.js";
import type { AccessToken, TokenRequest } from "./types.js";

/** The two OAuth paths. */
export type OAuthPath = "/v2/oauth/token" | "/v2/oauth/token/revoke";

/** Where the OAuth calls go, with which headers. */
export interface OAuthSettings {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface OAuth {
  /** A token from the token endpoint (remembered by the redactor). Throws ConnectAuthError. */
  requestToken(request: TokenRequest): Promise<AccessToken>;
  /** Revokes one token; returns the failure instead of throwing it. */
  revokeToken(token: string): Promise<ConnectAuthError | undefined>;
}

export interface RevokeResult {
  /** Tokens revoked. */
  revoked: number;
  /** Revocations that failed (the cache is emptied anyway). */
  failed: ConnectAuthError[];
}

/** Base64 of `{"user_id": "<id>"}`: the assertion of `fulfillment_user_assertion`. */
export function userAssertion(userId: string): string {
  // btoa takes one character per byte: the UTF-8 bytes of the JSON, as such characters.
  return btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify({ user_id: userId }))));
}

/** `what` failed with an error status: Instacart's (or the OAuth) message and code, scrubbed of secrets. */
function refused(what: string, response: Response, error: unknown, redact: (text: string) => string): ConnectAuthError {
  const item = parseErrorItem(error);
  const message = item?.message || (typeof error === "string" && error.length <= 200 ? error : "") || response.statusText;
  const code = item?.code ?? item?.key;
  return new ConnectAuthError(`${what} failed with HTTP ${response.status}${message ? `: ${redact(message)}` : ""}`, {
    status: response.status,
    code: typeof code === "string" ? redact(code) : code,
  });
}

/** `what` got no usable answer (the transport's error, or a body that is not JSON), scrubbed of secrets. */
function unanswered(what: string, error: unknown, redact: (text: string) => string): ConnectAuthError {
  if (error instanceof ConnectAuthError) return error;
  // A JSON parse error quotes the body, which may hold the token: keep neither as the cause.
  if (error instanceof SyntaxError) return new ConnectAuthError(`${what} failed: the token endpoint answered with invalid JSON`);
  return new ConnectAuthError(`${what} failed: ${redact(messageOf(error))}`, { cause: error });
}

/** The OAuth calls of one client; `send` puts openapi-fetch's request for an OAuth path through the transport. */
export function createOAuth(
  { baseUrl, headers }: OAuthSettings,
  credentials: { readonly clientId: string; readonly clientSecret: string },
  redactor: Redactor,
  send: (request: OutgoingRequest, path: OAuthPath) => Promise<Response>,
): OAuth {
  // Its requests are CallRequests: this client has no middleware.
  const client = createClient<paths>({ baseUrl, headers, Request: CallRequest as unknown as typeof Request });
  const via = (path: OAuthPath) => (request: Request) => send(request as unknown as OutgoingRequest, path);
  const sendToken = via("/v2/oauth/token");
  const sendRevoke = via("/v2/oauth/token/revoke");
  const secrets = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
  const { redact } = redactor;

  return {
    async requestToken({ grant, scope, userId }) {
      const what = `${grant === "client_credentials" ? "client-credentials" : "user"} token request${scope ? ` (scope ${scope})` : ""}`;
      // JSON leaves out the members that are undefined.
      const body = {
        ...secrets,
        grant_type: grant,
        scope: scope || undefined,
        assertion: userId === undefined ? undefined : userAssertion(userId),
      };
      const { data, error, response } = await client.POST("/v2/oauth/token", { fetch: sendToken, body }).catch((thrown: unknown) => {
        throw unanswered(what, thrown, redact);
      });
      if (!response.ok) throw refused(what, response, error, redact);
      const token = data?.access_token;
      if (!data || !isSendableToken(token)) {
        const problem = token ? "with an access_token holding characters an Authorization header cannot carry" : "without an access_token";
        throw new ConnectAuthError(`${what} failed: the token endpoint answered HTTP ${response.status} ${problem}`, {
          status: response.status,
        });
      }
      redactor.remember(token);
      return data;
    },

    async revokeToken(token) {
      const what = "token revocation";
      try {
        const { response, error } = await client.POST("/v2/oauth/token/revoke", { fetch: sendRevoke, body: { ...secrets, token } });
        return response.ok ? undefined : refused(what, response, error, redact);
      } catch (error) {
        return unanswered(what, error, redact);
      }
    },
  };
}

/** Revokes `tokens`, 8 at a time. */
export async function revokeAll(oauth: OAuth, tokens: readonly string[]): Promise<RevokeResult> {
  const failed: ConnectAuthError[] = [];
  for (let i = 0; i < tokens.length; i += 8) {
    const failures = await Promise.all(tokens.slice(i, i + 8).map((token) => oauth.revokeToken(token)));
    for (const failure of failures) if (failure) failed.push(failure);
  }
  return { revoked: tokens.length - failed.length, failed };
}
