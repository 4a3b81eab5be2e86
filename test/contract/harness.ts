/**
 * The contract harness: the real client, pointed at the suite's Prism mock, with a fetch that
 * records every request so a test can check which operation a case really called, and an
 * `onDeprecation` that collects the client's deprecation warnings (a test asserts them; nothing is
 * printed).
 */
import { inject } from "vitest";
import { createConnectClient, type ConnectClient, type ConnectUserClient, type DeprecationInfo } from "../../src/index.ts";

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
interface CaseOf<Client> {
  /** Calls the operation with valid input, as documented. */
  ok(client: Client): Promise<ContractResult>;
  /**
   * Calls the operation with a body that breaks the spec (a missing required field or a wrong enum).
   * `violation` is the field the mock must name in its `sl-violations` header.
   */
  invalid?: { call(client: Client): Promise<ContractResult>; violation: string };
}

/**
 * One operation's contract: its documented success, and (for operations with a body) one invalid
 * request. Front-end operations (grant `fulfillment_user_assertion`) set `user`: their calls get a
 * `forUser(user)` client, which calls with a user access token for that Connect user ID.
 */
export type ContractCase = (CaseOf<ConnectClient> & { user?: undefined }) | (CaseOf<ConnectUserClient> & { user: string });

export type ContractCases = Record<string, ContractCase>;

export const TEST_CLIENT_ID = "contract-test-client";
export const TEST_CLIENT_SECRET = "contract-test-secret";

export function prismUrl(): string {
  return inject("prismUrl");
}

/** A client against the mock, the requests it sent (token requests included) and the deprecation warnings it gave. */
export function recordingClient(): { client: ConnectClient; requests: RecordedRequest[]; deprecations: DeprecationInfo[] } {
  const requests: RecordedRequest[] = [];
  const deprecations: DeprecationInfo[] = [];
  const client = createConnectClient({
    server: prismUrl(),
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    onDeprecation: (info) => deprecations.push(info),
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
  return { client, requests, deprecations };
}

/** Runs a case's documented call (`ok`) or its invalid one, with a `forUser` client for front-end cases. */
export function runCase(contract: ContractCase, which: "ok" | "invalid", client: ConnectClient): Promise<ContractResult> {
  if (contract.user === undefined) return which === "ok" ? contract.ok(client) : contract.invalid!.call(client);
  const user = client.forUser(contract.user);
  return which === "ok" ? contract.ok(user) : contract.invalid!.call(user);
}

/** A RegExp that matches a concrete pathname against a spec path template. */
export function templateToRegExp(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}
