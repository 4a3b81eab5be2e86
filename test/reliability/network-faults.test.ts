/**
 * Faults below HTTP, from a node:net server: connection refused, resets before and during the
 * response, half a status line, silence and drips, and a TLS handshake that fails. Every call
 * settles within its budget with a typed error; GET is retried, a create (POST) is never sent twice.
 */
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from "vitest";
import {
  ConnectAuthError,
  ConnectError,
  ConnectNetworkError,
  ConnectTimeoutError,
  type ConnectClientOptions,
  type RetryHookInfo,
} from "../../src/index.ts";
import { RETRIES, TIMEOUT, createOrder, faultClient, getOrder, ids, routes, warmUp } from "./support/calls.ts";
import { faultTable, outcome, within } from "./support/harness.ts";
import { createLeakCollector, randomSecret } from "./support/leaks.ts";
import { startHttpFaultServer } from "./support/http-fault-server.ts";
import { closedPort, startRawFaultServer, type RawAction, type RawFaultServer } from "./support/raw-fault-server.ts";

const leaks = createLeakCollector();
const table = faultTable("network-faults");
const CLIENT_ID = `client-${randomSecret(8)}`;
let raw: RawFaultServer;

beforeAll(async () => {
  leaks.spyOnOutput();
  raw = await startRawFaultServer({
    clientId: CLIENT_ID,
    clientSecret: leaks.clientSecret,
    onIssue: (token) => leaks.watch("token", token),
  });
  await warmUp(raw.url, CLIENT_ID, leaks);
});
afterAll(async () => {
  leaks.restoreOutput();
  await raw.close();
  table.write();
});

const client = (extra: Partial<ConnectClientOptions> = {}) => faultClient(leaks, raw.url, CLIENT_ID, extra);

interface Fault {
  readonly name: string;
  readonly action: RawAction;
  readonly error: typeof ConnectNetworkError | typeof ConnectTimeoutError;
}

const FAULTS: Fault[] = [
  { name: "reset (RST) before the response", action: { kind: "reset-before-response" }, error: ConnectNetworkError },
  { name: "connection closed (FIN) before the response", action: { kind: "close-before-response" }, error: ConnectNetworkError },
  {
    name: "reset mid-body (headers and 40 of 5000 bytes sent)",
    action: { kind: "reset-mid-body", length: 5000, sent: 40 },
    error: ConnectNetworkError,
  },
  { name: "half a status line, then close", action: { kind: "half-status-line", ending: "close" }, error: ConnectNetworkError },
  { name: "half a status line, then silence", action: { kind: "half-status-line", ending: "hang" }, error: ConnectTimeoutError },
  { name: "a server that never answers", action: { kind: "silent" }, error: ConnectTimeoutError },
  {
    name: "status line and headers dripped 1 byte / 40 ms",
    action: { kind: "drip", from: "head", interval: 40 },
    error: ConnectTimeoutError,
  },
  {
    name: "body dripped 1 byte / 40 ms after the headers",
    action: { kind: "drip", from: "body", interval: 40 },
    error: ConnectTimeoutError,
  },
];

/**
 * Per-attempt timeout of the faults that end in a network error: they never need the timer, so a
 * generous one keeps a slow, loaded machine from turning them into timeouts.
 */
const NETWORK_FAULT_TIMEOUT = 5_000;

/** The per-attempt timeout of a fault, and its budgets: three attempts (no backoff), the token request, a second of slack. */
function timing(type: Fault["error"]): { timeout: number; getBudget: number; postBudget: number } {
  const timeout = type === ConnectTimeoutError ? TIMEOUT : NETWORK_FAULT_TIMEOUT;
  return { timeout, getBudget: 3 * timeout + 1_000, postBudget: timeout + 1_000 };
}

/**
 * `expect` is the test's own (these tests run concurrently). "attempt n of m": m is what this kind of
 * failure could get, so a POST that is not retried says "of 1".
 */
function expectTyped(expect: ExpectStatic, error: unknown, type: Fault["error"], operationId: string, attempt: number): void {
  const of = operationId.startsWith("create") ? 1 : RETRIES + 1;
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(ConnectError);
  const typed = error as ConnectNetworkError | ConnectTimeoutError;
  expect(typed.operationId).toBe(operationId);
  expect(typed.attempt).toBe(attempt);
  if (type === ConnectTimeoutError) {
    expect(typed.message).toMatch(
      new RegExp(`^${operationId} \\((GET|POST) [^)]+\\) timed out after ${TIMEOUT} ms \\(attempt ${attempt} of ${of}\\)$`),
    );
  } else {
    expect(typed.message).toMatch(new RegExp(`^${operationId} \\((GET|POST) [^)]+\\) failed on attempt ${attempt} of ${of}: .+`));
    expect((typed as ConnectNetworkError).code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE|HPE_[A-Z_]+)$/);
  }
}

// Each fault has its own routes and clients: the matrix runs concurrently (5 at a time) to keep the file short.
describe.concurrent.each(FAULTS)("$name", ({ name, action, error: type }) => {
  const { timeout, getBudget, postBudget } = timing(type);
  it("GET: retried up to maxRetries, then a typed error, within its budget", async ({ expect }) => {
    const path = ids("net");
    const route = routes.getOrder(path);
    raw.on(route, action);
    const retries: RetryHookInfo[] = [];
    const settled = await within(getBudget, () =>
      getOrder(client({ timeout, hooks: { ...leaks.hooks(), onRetry: (info) => void retries.push(info) } }), path),
    );
    leaks.error(settled.error);
    expect(settled.ok).toBe(false);
    expectTyped(expect, settled.error, type, "getOrder", RETRIES + 1);
    expect(raw.count(route)).toBe(RETRIES + 1);
    expect(retries.map((r) => r.error?.constructor)).toEqual([type, type]);
    table.add({
      fault: `${name} (GET getOrder)`,
      expected: `${type.name} after ${RETRIES + 1} attempts`,
      observed: `${outcome(settled)}; ${raw.count(route)} requests`,
    });
  });

  it("GET: a retry after the fault gets the data", async ({ expect }) => {
    const path = ids("net");
    const route = routes.getOrder(path);
    raw.on(route, action, { kind: "respond" });
    const settled = await within(getBudget, () => getOrder(client({ timeout }), path));
    expect(settled.ok).toBe(true);
    expect(settled.value!.response.status).toBe(200);
    expect(settled.value!.data).toEqual({ id: `/v2/fulfillment/users/${path.user_id}/orders/${path.order_id}` });
    expect(raw.count(route)).toBe(2);
    table.add({
      fault: `${name}, then success (GET)`,
      expected: "retried once, data",
      observed: `${outcome(settled)}; ${raw.count(route)} requests`,
    });
  });

  it("POST create: sent once, never repeated, a typed error within its budget", async ({ expect }) => {
    const path = ids("net");
    const route = routes.createOrder(path);
    raw.on(route, action, { kind: "respond" });
    const settled = await within(postBudget, () => createOrder(client({ timeout }), path));
    leaks.error(settled.error);
    expect(settled.ok).toBe(false);
    expectTyped(expect, settled.error, type, "createDeliveryOrder", 1);
    // Give a stray retry the time to arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(raw.count(route)).toBe(1);
    table.add({
      fault: `${name} (POST createDeliveryOrder)`,
      expected: `${type.name}, sent once`,
      observed: `${outcome(settled)}; ${raw.count(route)} request`,
    });
  });
});

describe("connection refused", () => {
  it("GET and POST: retried (nothing was sent), then a ConnectNetworkError ECONNREFUSED within the budget", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const token = randomSecret();
    leaks.watch("fixed access token", token);
    for (const method of ["GET", "POST"] as const) {
      const retries: RetryHookInfo[] = [];
      const connect = client({
        server,
        clientId: undefined,
        clientSecret: undefined,
        accessToken: token,
        hooks: { ...leaks.hooks(), onRetry: (i) => void retries.push(i) },
      });
      const settled = await within(1_000, () => (method === "GET" ? getOrder(connect, ids("net")) : createOrder(connect, ids("net"))));
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectNetworkError);
      const error = settled.error as ConnectNetworkError;
      expect(error.code).toBe("ECONNREFUSED");
      expect(error.message).toMatch(/failed on attempt 3 of 3: .*ECONNREFUSED/);
      expect(retries).toHaveLength(RETRIES);
      table.add({
        fault: `connection refused (${method})`,
        expected: "ConnectNetworkError ECONNREFUSED after 3 attempts (a refused POST was never sent, so it is retried)",
        observed: `${outcome(settled)}; ${retries.length} retries`,
      });
    }
  });

  it("token endpoint refused: a ConnectAuthError naming the cause, and the API call is never made", async () => {
    const server = `http://127.0.0.1:${await closedPort()}`;
    const settled = await within(1_000, () => createOrder(client({ server }), ids("net")));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectAuthError);
    expect((settled.error as Error).message).toMatch(
      /^client-credentials token request \(scope connect:fulfillment\) failed: generateAccessToken \(POST \/v2\/oauth\/token\) failed on attempt 3 of 3: .*ECONNREFUSED/,
    );
    table.add({
      fault: "connection refused (token endpoint)",
      expected: "ConnectAuthError, token request retried, API not called",
      observed: outcome(settled),
    });
  });
});

describe("TLS failure", () => {
  it("https:// to a server that speaks plain HTTP: a ConnectNetworkError with the TLS code; GET retried, POST not", async () => {
    const plain = await startHttpFaultServer({ clientId: CLIENT_ID, clientSecret: leaks.clientSecret });
    try {
      const token = randomSecret();
      leaks.watch("fixed access token", token);
      for (const method of ["GET", "POST"] as const) {
        const retries: RetryHookInfo[] = [];
        const connect = client({
          server: plain.url.replace("http://", "https://"),
          clientId: undefined,
          clientSecret: undefined,
          accessToken: token,
          hooks: { ...leaks.hooks(), onRetry: (i) => void retries.push(i) },
        });
        const settled = await within(2_000, () => (method === "GET" ? getOrder(connect, ids("net")) : createOrder(connect, ids("net"))));
        leaks.error(settled.error);
        expect(settled.error).toBeInstanceOf(ConnectNetworkError);
        const error = settled.error as ConnectNetworkError;
        expect(error.code).toBe("ERR_SSL_WRONG_VERSION_NUMBER");
        expect(error.message).toMatch(/wrong version number/);
        expect(retries).toHaveLength(method === "GET" ? RETRIES : 0);
        expect(plain.received).toHaveLength(0);
        table.add({
          fault: `TLS handshake fails (${method})`,
          expected: `ConnectNetworkError, ${method === "GET" ? "retried" : "not retried"}`,
          observed: `${outcome(settled)}; ${retries.length} retries`,
        });
      }
    } finally {
      await plain.close();
    }
  });
});

describe("token endpoint faults below HTTP", () => {
  it.each<[string, RawAction, Fault["error"], RegExp]>([
    ["reset before the response", { kind: "reset-before-response" }, ConnectNetworkError, /failed on attempt 3 of 3/],
    ["never answers", { kind: "silent" }, ConnectTimeoutError, new RegExp(`timed out after ${TIMEOUT} ms \\(attempt 3 of 3\\)`)],
  ])("%s: a ConnectAuthError within the budget, and the next call recovers", async (name, action, cause, message) => {
    const { timeout, getBudget } = timing(cause);
    raw.on("POST /v2/oauth/token", action);
    const connect = client({ timeout });
    const path = ids("net");
    const route = routes.createOrder(path);
    const before = raw.count("POST /v2/oauth/token");
    const settled = await within(getBudget, () => createOrder(connect, path));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectAuthError);
    expect((settled.error as Error).message).toMatch(message);
    expect(raw.count("POST /v2/oauth/token") - before).toBe(RETRIES + 1);
    expect(raw.count(route)).toBe(0);
    raw.on("POST /v2/oauth/token");
    const next = await within(1_000, () => createOrder(connect, ids("net")));
    expect(next.ok).toBe(true);
    expect(next.value!.response.status).toBe(200);
    table.add({
      fault: `token endpoint: ${name}`,
      expected: "ConnectAuthError after 3 token attempts, no API call; next call recovers",
      observed: `${outcome(settled)}; then ${outcome(next)}`,
    });
  });
});

describe("leak scan", () => {
  it("finds neither the client secret nor any issued token in anything collected", () => {
    expect(leaks.watched).toBeGreaterThan(5);
    expect(leaks.captured.length).toBeGreaterThan(100);
    expect(leaks.scan()).toEqual([]);
  });
});
