import { createServer as createNetServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ConnectAbortError,
  ConnectNetworkError,
  ConnectTimeoutError,
  createConnectClient,
  type ConnectClientOptions,
  type RetryHookInfo,
} from "../../src/index.ts";
import { backoffDelay, parseRetryAfter } from "../../src/transport.ts";
import { startFakeConnect, type FakeConnect } from "../support/fake-connect.ts";

let fake: FakeConnect;
beforeEach(async () => {
  fake = await startFakeConnect();
});
afterEach(async () => {
  await fake.close();
});

const USERS = "POST /v2/fulfillment/users";
const client = (extra: Partial<ConnectClientOptions> = {}) =>
  createConnectClient({ server: fake.url, clientId: "client-1", clientSecret: "secret-1", retryDelay: 1, maxRetryDelay: 5, ...extra });
const createUser = (connect: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" }, ...init });

describe("POST retries (creates are never blindly re-sent)", () => {
  it.each([500, 502, 503, 504, 408])("does not re-send a POST after a %i", async (status) => {
    fake.on(USERS, { status, body: { error: { message: "boom", code: 5000 } } }, { body: { user_id: "u-1" } });
    const { error, response } = await createUser(client());
    expect(response.status).toBe(status);
    expect(error).toEqual({ error: { message: "boom", code: 5000 } });
    expect(fake.calls(USERS)).toHaveLength(1);
  });

  it("retries a POST on 429 and then succeeds", async () => {
    fake.on(USERS, { status: 429, body: { error: { message: "Too many requests" } } }, { body: { user_id: "u-1" } });
    const { data, response } = await createUser(client());
    expect(response.status).toBe(200);
    expect(data).toEqual({ user_id: "u-1" });
    expect(fake.calls(USERS)).toHaveLength(2);
  });

  it("does not re-send a POST after a timeout", async () => {
    fake.on(USERS, { hang: true });
    await expect(createUser(client({ timeout: 100 }))).rejects.toBeInstanceOf(ConnectTimeoutError);
    expect(fake.calls(USERS)).toHaveLength(1);
  });

  it("does not re-send a POST after the connection is reset", async () => {
    fake.on(USERS, { reset: true });
    await expect(createUser(client())).rejects.toBeInstanceOf(ConnectNetworkError);
    expect(fake.calls(USERS)).toHaveLength(1);
  });

  it("re-sends a POST on 5xx, timeouts and resets when the call is marked idempotent", async () => {
    fake.on(USERS, { status: 503, body: {} }, { reset: true }, { hang: true }, { body: { user_id: "u-1" } });
    const { response } = await createUser(client({ maxRetries: 3, timeout: 200 }), { idempotent: true });
    expect(response.status).toBe(200);
    expect(fake.calls(USERS)).toHaveLength(4);
    const bodies = new Set(fake.calls(USERS).map((c) => c.body));
    expect(bodies.size).toBe(1);
  });

  it("retries a POST when the connection was refused before anything was sent", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createNetServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const retries: RetryHookInfo[] = [];
    const connect = createConnectClient({
      server: `http://127.0.0.1:${port}`,
      accessToken: "t",
      retryDelay: 1,
      maxRetries: 2,
      hooks: { onRetry: (info) => retries.push(info) },
    });
    const error = await createUser(connect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectNetworkError);
    expect((error as ConnectNetworkError).code).toBe("ECONNREFUSED");
    expect((error as ConnectNetworkError).message).toMatch(/createUser \(POST \/v2\/fulfillment\/users\) failed on attempt 3 of 3/);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it("gives up after maxRetries and returns the last 429", async () => {
    fake.on(USERS, { status: 429, body: { error: { message: "Too many requests" } } });
    const { response } = await createUser(client({ maxRetries: 2 }));
    expect(response.status).toBe(429);
    expect(fake.calls(USERS)).toHaveLength(3);
  });

  it("turns retries off with maxRetries: 0, per client or per call", async () => {
    fake.on(USERS, { status: 429, body: {} });
    await createUser(client({ maxRetries: 0 }));
    expect(fake.calls(USERS)).toHaveLength(1);
    await createUser(client(), { maxRetries: 0 });
    expect(fake.calls(USERS)).toHaveLength(2);
  });
});

describe("Retry-After and backoff", () => {
  it("waits the Retry-After seconds before retrying", async () => {
    fake.on(USERS, { status: 429, headers: { "retry-after": "1" }, body: {} }, { body: { user_id: "u" } });
    const delays: number[] = [];
    const started = Date.now();
    await createUser(client({ hooks: { onRetry: (info) => delays.push(info.delay) } }));
    expect(delays).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("honours a Retry-After HTTP date", async () => {
    const date = new Date(Date.now() + 2000).toUTCString();
    fake.on(USERS, { status: 429, headers: { "retry-after": date }, body: {} }, { body: { user_id: "u" } });
    const delays: number[] = [];
    await createUser(client({ hooks: { onRetry: (info) => delays.push(info.delay) } }));
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThanOrEqual(2000);
  });

  it("does not wait for a Retry-After longer than maxRetryAfter: it returns the 429", async () => {
    fake.on(USERS, { status: 429, headers: { "retry-after": "3600" }, body: {} });
    const { response } = await createUser(client({ maxRetryAfter: 10_000 }));
    expect(response.status).toBe(429);
    expect(fake.calls(USERS)).toHaveLength(1);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("5")).toBe(5000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:30 GMT"))).toBe(30_000);
    expect(parseRetryAfter("yesterday-ish")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("uses exponential backoff with full jitter, capped", () => {
    const policy = { maxRetries: 5, baseDelay: 500, maxDelay: 8000, maxRetryAfter: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1000);
  });
});

describe("timeouts and aborts", () => {
  it("times out an attempt with a ConnectTimeoutError that names the operation and the attempt", async () => {
    fake.on(USERS, { hang: true });
    const error = await createUser(client({ timeout: 150 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    const timeout = error as ConnectTimeoutError;
    expect(timeout.operationId).toBe("createUser");
    expect(timeout.attempt).toBe(1);
    expect(timeout.timeout).toBe(150);
    // a POST is not retried after a timeout: this was its only attempt
    expect(timeout.message).toBe("createUser (POST /v2/fulfillment/users) timed out after 150 ms (attempt 1 of 1)");
  });

  it("lets a call override the timeout", async () => {
    fake.on(USERS, { body: { user_id: "u" }, delay: 300 });
    await expect(createUser(client({ timeout: 60_000 }), { timeout: 100 })).rejects.toThrow(/timed out after 100 ms/);
  });

  it("times out a body that drips past the timeout", async () => {
    // a server that sends headers and then one byte every 50 ms, forever
    const drip = await startDrip();
    try {
      const connect = createConnectClient({ server: drip.url, accessToken: "t", timeout: 300 });
      const started = Date.now();
      await expect(createUser(connect)).rejects.toBeInstanceOf(ConnectTimeoutError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await drip.close();
    }
  });

  it("stops at once when the caller aborts, even between retries", async () => {
    fake.on(USERS, { status: 429, headers: { "retry-after": "30" }, body: {} });
    const controller = new AbortController();
    const started = Date.now();
    const pending = createUser(client(), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user cancelled")), 100);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectAbortError);
    expect((error as ConnectAbortError).cause).toEqual(new Error("user cancelled"));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.calls(USERS)).toHaveLength(1);
  });

  it("aborts an attempt in flight when the caller aborts", async () => {
    fake.on(USERS, { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(createUser(client(), { signal: controller.signal })).rejects.toBeInstanceOf(ConnectAbortError);
  });

  it("does not send anything when the signal is already aborted", async () => {
    await expect(createUser(client(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ConnectAbortError);
    expect(fake.calls(USERS)).toHaveLength(0);
  });
});

async function startDrip(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const timer = setInterval(() => res.write(" "), 50);
    timers.add(timer);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("hooks", () => {
  it("tells onRequest, onResponse, onRetry and onTokenRefresh what happened, with Authorization redacted", async () => {
    fake.on(USERS, { status: 429, body: {} }, { body: { user_id: "u" } });
    const seen: string[] = [];
    const onRequest = vi.fn((info: { attempt: number; headers: Record<string, string> }) => seen.push(`request ${info.attempt}`));
    const onResponse = vi.fn((info: { status: number }) => seen.push(`response ${info.status}`));
    const onRetry = vi.fn(() => seen.push("retry"));
    const onTokenRefresh = vi.fn(() => seen.push("token"));
    await createUser(client({ hooks: { onRequest, onResponse, onRetry, onTokenRefresh } }));
    // the token request (attempt 1 of generateAccessToken), then the call: 429, retry, 200
    expect(seen).toEqual(["request 1", "response 200", "token", "request 1", "response 429", "retry", "request 2", "response 200"]);
    const apiRequest = onRequest.mock.calls.find(([info]) => (info as { operationId?: string }).operationId === "createUser")![0];
    expect(apiRequest.headers.authorization).toBe("Bearer [redacted]");
    expect(onTokenRefresh).toHaveBeenCalledWith({ grant: "client_credentials", scope: "connect:fulfillment", userId: undefined, expiresIn: 86_400 });
  });

  it("still runs openapi-fetch middleware, which never sees the token", async () => {
    const connect = client();
    const seen: (string | null)[] = [];
    connect.use({
      onRequest({ request }) {
        seen.push(request.headers.get("authorization"));
        request.headers.set("X-Trace", "abc");
        return request;
      },
    });
    await createUser(connect);
    expect(seen).toEqual([null]);
    expect(fake.calls(USERS)[0]!.headers["x-trace"]).toBe("abc");
  });
});
