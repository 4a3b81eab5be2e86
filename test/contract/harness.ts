/**
 * The contract harness: the real client, pointed at the suite's Prism mock, with a fetch that
 * records every request so a test can check which operation a case really called.
 */
import { inject } from "vitest";
import { createConnectClient, type ConnectClient } from "../../src/index.ts";

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface ContractResult {
  response: Response;
  data?: unknown;
  error?: unknown;
}

/** One operation's contract: its documented success, and (for operations with a body) one invalid request. */
export interface ContractCase {
  /**
   * Front-end operations (grant `fulfillment_user_assertion`) set `user`: the client handed to
   * `ok` and `invalid.call` then calls with a user access token for this Connect user ID.
   */
  user?: string;
  /** Calls the operation with valid input, as documented. */
  ok(client: ConnectClient): Promise<ContractResult>;
  /**
   * Calls the operation with a body that breaks the spec (a missing required field or a wrong enum).
   * `violation` is the field the mock must name in its `sl-violations` header.
   */
  invalid?: { call(client: ConnectClient): Promise<ContractResult>; violation: string };
}

export type ContractCases = Record<string, ContractCase>;

export const TEST_CLIENT_ID = "contract-test-client";
export const TEST_CLIENT_SECRET = "contract-test-secret";

export function prismUrl(): string {
  return inject("prismUrl");
}

/**
 * A client against the mock and the list of requests it sent (token requests included); bound to
 * `user` (user access tokens for front-end operations) when given.
 */
export function recordingClient(user?: string): { client: ConnectClient; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const client = createConnectClient({
    server: prismUrl(),
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    fetch: async (request) => {
      requests.push({
        method: request.method,
        url: new URL(request.url),
        headers: new Headers(request.headers),
        body: await request.clone().text(),
      });
      return fetch(request);
    },
  });
  return { client: user === undefined ? client : client.forUser(user), requests };
}

/** A RegExp that matches a concrete pathname against a spec path template. */
export function templateToRegExp(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}
