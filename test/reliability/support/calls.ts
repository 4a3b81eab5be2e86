/**
 * The calls the reliability suite makes: a read (getOrder, GET), a create (createDeliveryOrder and
 * createUser, POST) and an update without a documented response body (setItemReplacements, PUT),
 * each on fresh IDs so that the servers' per-route counts never mix two tests.
 */
import { createConnectClient, type ConnectClient, type ConnectClientOptions } from "../../../src/index.ts";
import { afterAll, beforeAll } from "vitest";
import { faultTable } from "./harness.ts";
import { startHttpFaultServer, type HttpFaultServer } from "./http-fault-server.ts";
import { createLeakCollector, randomSecret, type LeakCollector } from "./leaks.ts";

let sequence = 0;

/** Fresh IDs for one call. */
export function ids(prefix = "r"): { user_id: string; order_id: string } {
  sequence += 1;
  return { user_id: `${prefix}-user-${sequence}`, order_id: `${prefix}-order-${sequence}` };
}

export const routes = {
  getOrder: (path: { user_id: string; order_id: string }) => `GET /v2/fulfillment/users/${path.user_id}/orders/${path.order_id}`,
  createOrder: (path: { user_id: string }) => `POST /v2/fulfillment/users/${path.user_id}/orders/delivery`,
  setItemReplacements: (path: { user_id: string; order_id: string }) =>
    `PUT /v2/fulfillment/users/${path.user_id}/orders/${path.order_id}/replacement_selections`,
  createUser: "POST /v2/fulfillment/users",
} as const;

export const getOrder = (
  connect: ConnectClient,
  path: { user_id: string; order_id: string },
  init: { timeout?: number; maxRetries?: number } = {},
) => connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path }, ...init });

export const createOrder = (
  connect: ConnectClient,
  path: { user_id: string; order_id: string },
  init: { timeout?: number; maxRetries?: number; idempotent?: boolean } = {},
) =>
  connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
    params: { path: { user_id: path.user_id } },
    body: {
      order_id: path.order_id,
      service_option_hold_id: 246813579,
      address: { address_line_1: "123 Main St", postal_code: "60601" },
      items: [{ line_num: "1", count: 2, item: { upc: "012345678905" } }],
    },
    ...init,
  });

export const setItemReplacements = (connect: ConnectClient, path: { user_id: string; order_id: string }) =>
  connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/replacement_selections", {
    params: { path },
    body: { selections: [{ line_num: "1", count: 2 }] },
  });

export const createUser = (connect: ConnectClient, userId: string) =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: userId, first_name: "Ada" } });

/**
 * Per-attempt timeout of the fault tests: short, so a hang shows at once, yet long enough that a
 * healthy local answer on a busy 2-core machine never times out.
 */
export const TIMEOUT = 500;
/** Retries of the fault tests (the client's default). */
export const RETRIES = 2;

/** A client with credentials whose every hook, deprecation and error is collected by `leaks`. */
export function faultClient(
  leaks: LeakCollector,
  server: string,
  clientId: string,
  extra: Partial<ConnectClientOptions> = {},
): ConnectClient {
  return createConnectClient({
    server,
    clientId,
    clientSecret: leaks.clientSecret,
    timeout: TIMEOUT,
    maxRetries: RETRIES,
    // No backoff: the retries happen at once (the backoff itself is tested on a test clock).
    retryDelay: 0,
    hooks: leaks.hooks(),
    onDeprecation: (info) => leaks.onDeprecation(info),
    ...extra,
  } as ConnectClientOptions);
}

/** One successful call, so that the first measured call does not pay for cold code paths. */
export async function warmUp(server: string, clientId: string, leaks: LeakCollector): Promise<void> {
  const connect = faultClient(leaks, server, clientId, { timeout: 10_000 });
  const { response } = await createUser(connect, "warm-up");
  if (response.status !== 200) throw new Error(`warm-up call answered HTTP ${response.status}`);
}

/**
 * The setup the node:http fault files share: a leak collector watching the console and every token
 * the fault server issues, a fault table written at the end, one warmed-up fault server, and a
 * client factory for it. `server` is set before the first test runs.
 */
export function httpFaultSuite(name: string): {
  leaks: LeakCollector;
  table: ReturnType<typeof faultTable>;
  clientId: string;
  server: HttpFaultServer;
  client(extra?: Partial<ConnectClientOptions>): ConnectClient;
} {
  const leaks = createLeakCollector();
  const clientId = `client-${randomSecret(8)}`;
  const suite = {
    leaks,
    table: faultTable(name),
    clientId,
    server: undefined as unknown as HttpFaultServer,
    client: (extra: Partial<ConnectClientOptions> = {}) => faultClient(leaks, suite.server.url, clientId, extra),
  };
  beforeAll(async () => {
    leaks.spyOnOutput();
    suite.server = await startHttpFaultServer({
      clientId,
      clientSecret: leaks.clientSecret,
      onIssue: (token) => leaks.watch("token", token),
    });
    await warmUp(suite.server.url, clientId, leaks);
  });
  afterAll(async () => {
    leaks.restoreOutput();
    await suite.server.close();
    suite.table.write();
  });
  return suite;
}
