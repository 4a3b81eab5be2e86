import createClient, { type Client } from "openapi-fetch";
import { operations } from "../generated/operations.js";
import type { paths } from "../generated/schema.js";
import { createTokenSource } from "./auth.js";
import { ConnectConfigError } from "./errors.js";
import { resolveServer, type ServerName } from "./servers.js";

export interface ConnectClientOptions {
  /** `"development"`, `"production"`, or an https:// URL (http:// only for loopback hosts). Required. */
  server: ServerName | URL | (string & {});
  /** Client ID of your Instacart OAuth application. */
  clientId: string;
  /** Client secret of your Instacart OAuth application. */
  clientSecret: string;
  /** The `fetch` to use (default: the global `fetch` at call time). */
  fetch?: (request: Request) => Promise<Response>;
}

/** A typed openapi-fetch client for every Connect operation. */
export type ConnectClient = Client<paths, "application/json">;

/** Creates a client whose calls carry a client-credentials bearer token with the scope the spec declares. */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const baseUrl = resolveServer(options.server);
  for (const key of ["clientId", "clientSecret"] as const) {
    if (typeof options[key] !== "string" || options[key].trim() === "") {
      throw new ConnectConfigError(`\`${key}\` is required and must be a non-empty string.`);
    }
  }
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const tokens = createTokenSource({ baseUrl, clientId: options.clientId, clientSecret: options.clientSecret, fetch: fetchImpl });
  const client = createClient<paths>({ baseUrl, fetch: fetchImpl });
  client.use({
    async onRequest({ request, schemaPath }) {
      const row = operations[`${request.method} ${schemaPath}`];
      if (!row || row[2] === "") return undefined;
      request.headers.set("Authorization", `Bearer ${await tokens.get(row[1])}`);
      return request;
    },
  });
  return client;
}
