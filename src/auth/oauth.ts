/**
 * The OAuth calls: `POST /v2/oauth/token` (client-credentials and user-assertion grants, credentials
 * in a JSON body) and `POST /v2/oauth/token/revoke`, made through openapi-fetch and the client's
 * transport (timeouts and retries apply; no token is sent).
 */
import createClient from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { parseErrorBody } from "../error-body.js";
import { ConnectAuthError } from "../errors.js";
import { CallRequest, type OutgoingRequest } from "../transport/fast-path.js";
import { isSendableToken } from "./bearer.js";
import type { Redactor } from "./secrets.js";
import type { AccessToken, TokenRequest } from "./types.js";

/** The two OAuth paths. */
export type OAuthPath = "/v2/oauth/token" | "/v2/oauth/token/revoke";

export interface OAuthOptions {
  baseUrl: string;
  headers: Record<string, string>;
  clientId: string;
  clientSecret: string;
  /** Sends openapi-fetch's request for an OAuth path through the transport. */
  send(request: OutgoingRequest, path: OAuthPath): Promise<Response>;
  redactor: Redactor;
}

export interface OAuth {
  /** A token from the token endpoint (remembered by the redactor). Throws ConnectAuthError. */
  requestToken(request: TokenRequest): Promise<AccessToken>;
  /** Revokes one token; returns the failure instead of throwing it. */
  revokeToken(token: string): Promise<ConnectAuthError | undefined>;
}

/** Base64 of `{"user_id": "<id>"}`: the assertion of `fulfillment_user_assertion`. */
export function userAssertion(userId: string): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ user_id: userId }));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The message of an error response of the token endpoints, and its code (OAuth error name or Instacart code). */
function refusal(error: unknown, statusText: string): { message: string; code: number | string | null | undefined } {
  const parsed = parseErrorBody(error);
  const text = typeof error === "string" && error.length <= 200 ? error : "";
  return { message: parsed?.item.message || text || statusText, code: parsed?.item.code ?? parsed?.item.key };
}

/** openapi-fetch's client for the OAuth paths (its requests are CallRequests: this client has no middleware). */
type OAuthClient = ReturnType<typeof createClient<paths>>;

/** `POST /v2/oauth/token` for `request`; a failure to get any answer is a ConnectAuthError without secrets. */
async function postTokenRequest(
  client: OAuthClient,
  options: OAuthOptions,
  send: (request: Request) => Promise<Response>,
  request: TokenRequest,
  what: string,
) {
  const { clientId, clientSecret, redactor } = options;
  try {
    return await client.POST("/v2/oauth/token", {
      fetch: send,
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
    const message = redactor.redact(error instanceof Error ? error.message : String(error));
    throw new ConnectAuthError(`${what} failed: ${message}`, { cause: error });
  }
}

export function createOAuth(options: OAuthOptions): OAuth {
  const { clientId, clientSecret, redactor } = options;
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.headers,
    Request: CallRequest as unknown as typeof Request,
  });
  const via = (path: OAuthPath) => (request: Request) => options.send(request as unknown as OutgoingRequest, path);
  const sendToken = via("/v2/oauth/token");
  const sendRevoke = via("/v2/oauth/token/revoke");
  const redactCode = (code: number | string | null | undefined) => (typeof code === "string" ? redactor.redact(code) : code);

  const post = (request: TokenRequest, what: string) => postTokenRequest(client, options, sendToken, request, what);

  return {
    async requestToken(request) {
      const what = `${request.grant === "client_credentials" ? "client-credentials" : "user"} token request${request.scope ? ` (scope ${request.scope})` : ""}`;
      const { data, error, response } = await post(request, what);
      const status = response.status;
      if (!response.ok) {
        const { message, code } = refusal(error, response.statusText);
        throw new ConnectAuthError(`${what} failed with HTTP ${status}${message ? `: ${redactor.redact(message)}` : ""}`, {
          status,
          code: redactCode(code),
        });
      }
      if (!data || typeof data.access_token !== "string" || data.access_token === "") {
        throw new ConnectAuthError(`${what} failed: the token endpoint answered HTTP ${status} without an access_token`, { status });
      }
      if (!isSendableToken(data.access_token)) {
        throw new ConnectAuthError(`${what} failed: the access_token holds characters an Authorization header cannot carry`, { status });
      }
      redactor.remember(data.access_token);
      return data;
    },

    async revokeToken(token) {
      try {
        const { response, error } = await client.POST("/v2/oauth/token/revoke", {
          fetch: sendRevoke,
          body: { client_id: clientId, client_secret: clientSecret, token },
        });
        if (response.ok) return undefined;
        const parsed = parseErrorBody(error);
        return new ConnectAuthError(
          `token revocation failed with HTTP ${response.status}${parsed?.item.message ? `: ${redactor.redact(parsed.item.message)}` : ""}`,
          { status: response.status, code: redactCode(parsed?.item.code ?? parsed?.item.key) },
        );
      } catch (error) {
        return new ConnectAuthError(`token revocation failed: ${redactor.redact(error instanceof Error ? error.message : String(error))}`);
      }
    },
  };
}
