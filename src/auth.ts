import createClient from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { ConnectError } from "./errors.js";

/** A token request failed: Instacart's OAuth error, or an unusable token response. */
export class ConnectAuthError extends ConnectError {
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

export interface TokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * Client-credentials tokens, one per scope, fetched through the generated client (JSON body to
 * `POST /v2/oauth/token`) and reused until they expire. Concurrent callers share one request.
 */
export function createTokenSource(options: TokenSourceOptions): { get(scope: string): Promise<string> } {
  const { baseUrl, clientId, clientSecret } = options;
  const oauth = createClient<paths>({ baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const cache = new Map<string, { token: string; expiresAt: number } | Promise<string>>();

  async function fetchToken(scope: string): Promise<string> {
    const { data, error, response } = await oauth.POST("/v2/oauth/token", {
      body: {
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: "client_credentials",
        ...(scope ? { scope } : {}),
      },
    });
    if (!response.ok || !data?.access_token) {
      const reason = error && typeof error === "object" && "error" in error ? String(error.error) : `HTTP ${response.status}`;
      throw new ConnectAuthError(`token request failed: ${reason}`, { status: response.status });
    }
    cache.set(scope, { token: data.access_token, expiresAt: Date.now() + data.expires_in * 1000 });
    return data.access_token;
  }

  return {
    get(scope) {
      const entry = cache.get(scope);
      if (entry instanceof Promise) return entry;
      if (entry && entry.expiresAt > Date.now()) return Promise.resolve(entry.token);
      const pending = fetchToken(scope);
      cache.set(scope, pending);
      pending.catch(() => {
        if (cache.get(scope) === pending) cache.delete(scope);
      });
      return pending;
    },
  };
}
