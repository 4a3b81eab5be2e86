import { createServer as createNetServer } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { ConnectAbortError, ConnectNetworkError, ConnectTimeoutError, createConnectClient, type RetryHookInfo } from "../../src/index.ts";
import { backoffDelay, parseRetryAfter, shouldRetry, type AttemptOutcome } from "../../src/transport/retry.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const setup = fakeConnectPerTest();
const USERS = "POST /v2/fulfillment/users";
/** A client on the test clock: timeouts and waits happen when the test advances it. Backoff is 0 ms. */
const { client } = setup;
/** Resolves once the fake server has received `count` requests on `route`. */
const received = (route: string, count = 1) =>
  vi.waitFor(() => expect(setup.fake.calls(route).length).toBeGreaterThanOrEqual(count), { interval: 2 });
const createUser = (connect: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" }, ...init });

describe("POST retries (creates are never blindly re-sent)", () => {
  it.each([500, 502, 503, 504, 408])("does not re-send a POST after a %i", async (status) => {
    setup.fake.on(USERS, { status, body: { error: { message: "boom", code: 5000 } } }, { body: { user_id: "u-1" } });
    const { error, response } = await createUser(client());
    expect(response.status).toBe(status);
    expect(error).toEqual({ error: { message: "boom", code: 5000 } });
    expect(setup.fake.calls(USERS)).toHaveLength(1);
  });

  it("retries a POST on 429 and then succeeds", async () => {
    setup.fake.on(USERS, { status: 429, body: { error: { message: "Too many requests" } } }, { body: { user_id: "u-1" } });
    const { data, response } = await createUser(client());
    expect(response.status).toBe(200);
    expect(data).toEqual({ user_id: "u-1" });
    expect(setup.fake.calls(USERS)).toHaveLength(2);
  });

  it("does not re-send a POST after a timeout", async () => {
    setup.fake.on(USERS, { hang: true });
    const call = createUser(client({ timeout: 100 })).catch((e: unknown) => e);
    await received(USERS);
    await setup.clock.advance(100);
    expect(await call).toBeInstanceOf(ConnectTimeoutError);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
  });

  it("does not re-send a POST after the connection is reset", async () => {
    setup.fake.on(USERS, { reset: true });
    await expect(createUser(client())).rejects.toBeInstanceOf(ConnectNetworkError);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
  });

  it("re-sends a POST on 5xx, timeouts and resets when the call is marked idempotent", async () => {
    setup.fake.on(USERS, { status: 503, body: {} }, { reset: true }, { hang: true }, { body: { user_id: "u-1" } });
    const call = createUser(client({ maxRetries: 3, timeout: 200 }), { idempotent: true });
    await received(USERS, 3);
    await setup.clock.advance(200);
    const { response } = await call;
    expect(response.status).toBe(200);
    expect(setup.fake.calls(USERS)).toHaveLength(4);
    const bodies = new Set(setup.fake.calls(USERS).map((c) => c.body));
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
      retryDelay: 0,
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
    setup.fake.on(USERS, { status: 429, body: { error: { message: "Too many requests" } } });
    const { response } = await createUser(client({ maxRetries: 2 }));
    expect(response.status).toBe(429);
    expect(setup.fake.calls(USERS)).toHaveLength(3);
  });

  it("turns retries off with maxRetries: 0, per client or per call", async () => {
    setup.fake.on(USERS, { status: 429, body: {} });
    await createUser(client({ maxRetries: 0 }));
    expect(setup.fake.calls(USERS)).toHaveLength(1);
    await createUser(client(), { maxRetries: 0 });
    expect(setup.fake.calls(USERS)).toHaveLength(2);
  });
});

describe("Retry-After and backoff", () => {
  it("waits the Retry-After seconds before retrying, and not a moment less", async () => {
    setup.fake.on(USERS, { status: 429, headers: { "retry-after": "1" }, body: {} }, { body: { user_id: "u" } });
    const delays: number[] = [];
    const call = createUser(client({ hooks: { onRetry: (info) => delays.push(info.delay) } }));
    await setup.clock.waitForTimer((timer) => timer.delay === 1000);
    await setup.clock.advance(999);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
    await setup.clock.advance(1);
    expect((await call).response.status).toBe(200);
    expect(delays).toEqual([1000]);
    expect(setup.fake.calls(USERS)).toHaveLength(2);
  });

  it("honours a Retry-After HTTP date, counted on the client's clock", async () => {
    const date = new Date(setup.clock.now() + 2000).toUTCString();
    setup.fake.on(USERS, { status: 429, headers: { "retry-after": date }, body: {} }, { body: { user_id: "u" } });
    const delays: number[] = [];
    const call = createUser(client({ hooks: { onRetry: (info) => delays.push(info.delay) } }));
    await setup.clock.waitForTimer((timer) => timer.delay === 2000);
    await setup.clock.advance(2000);
    await call;
    expect(delays).toEqual([2000]);
  });

  it("does not wait for a Retry-After longer than maxRetryAfter: it returns the 429", async () => {
    setup.fake.on(USERS, { status: 429, headers: { "retry-after": "3600" }, body: {} });
    const { response } = await createUser(client({ maxRetryAfter: 10_000 }));
    expect(response.status).toBe(429);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("5", Date.now())).toBe(5000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:30 GMT"))).toBe(30_000);
    expect(parseRetryAfter("yesterday-ish", Date.now())).toBeUndefined();
    expect(parseRetryAfter(null, Date.now())).toBeUndefined();
  });

  it("uses exponential backoff with full jitter, capped", () => {
    const policy = { maxRetries: 5, baseDelay: 500, maxDelay: 8000, maxRetryAfter: 60_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1000);
  });
});

describe("the retry decision (a pure function)", () => {
  const policy = { maxRetries: 2, baseDelay: 500, maxDelay: 8000, maxRetryAfter: 60_000 };
  const state = { retries: 0, maxRetries: 2, safe: true };
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const status = (code: number, headers: Record<string, string> = {}): AttemptOutcome => ({ status: code, headers: new Headers(headers) });
  it.each<[string, AttemptOutcome, Partial<typeof state>, number | undefined]>([
    ["a 503 of a safe request: backoff", status(503), {}, 500],
    ["the second retry: twice the backoff", status(503), { retries: 1 }, 1000],
    ["no retries left", status(503), { retries: 2 }, undefined],
    ["a 503 of a POST: never", status(503), { safe: false }, undefined],
    ["a 429 of a POST: refused unprocessed, so retried", status(429), { safe: false }, 500],
    ["a 429 with Retry-After seconds", status(429, { "retry-after": "2" }), {}, 2000],
    ["a 429 with a Retry-After date", status(429, { "retry-after": "Wed, 21 Oct 2015 07:28:30 GMT" }), {}, 30_000],
    ["a Retry-After beyond maxRetryAfter: return the response", status(429, { "retry-after": "120" }), {}, undefined],
    ["a 400: never", status(400), {}, undefined],
    ["a timeout of a safe request", { failure: "timeout", code: undefined }, {}, 500],
    ["a timeout of a POST: it may have been processed", { failure: "timeout", code: undefined }, { safe: false }, undefined],
    ["a refused connection of a POST: nothing was sent", { failure: "network", code: "ECONNREFUSED" }, { safe: false }, 500],
    ["a reset connection of a POST: it may have been processed", { failure: "network", code: "ECONNRESET" }, { safe: false }, undefined],
  ])("%s", (_name, outcome, extra, delay) => {
    expect(shouldRetry(outcome, { ...state, ...extra }, policy, now, () => 1)).toBe(delay);
  });
});

describe("timeouts and aborts", () => {
  it("times out an attempt with a ConnectTimeoutError that names the operation and the attempt", async () => {
    setup.fake.on(USERS, { hang: true });
    const call = createUser(client({ timeout: 150 })).catch((e: unknown) => e);
    await received(USERS);
    await setup.clock.advance(149);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
    await setup.clock.advance(1);
    const error = await call;
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    const timeout = error as ConnectTimeoutError;
    expect(timeout.operationId).toBe("createUser");
    expect(timeout.attempt).toBe(1);
    expect(timeout.timeout).toBe(150);
    // a POST is not retried after a timeout: this was its only attempt
    expect(timeout.message).toBe("createUser (POST /v2/fulfillment/users) timed out after 150 ms (attempt 1 of 1)");
  });

  it("lets a call override the timeout", async () => {
    setup.fake.on(USERS, { hang: true });
    const call = createUser(client({ timeout: 60_000 }), { timeout: 100 }).catch((e: unknown) => e);
    await received(USERS);
    await setup.clock.advance(100);
    expect(await call).toMatchObject({ message: expect.stringMatching(/timed out after 100 ms/) });
  });

  it("times out a body that drips past the timeout", async () => {
    // a server that sends headers and then one byte every 20 ms, forever
    const drip = await startDrip();
    try {
      const connect = createConnectClient({ server: drip.url, accessToken: "t", timeout: 300, clock: setup.clock });
      const call = createUser(connect).catch((e: unknown) => e);
      // the headers and some of the body have arrived: the attempt is reading the body
      await vi.waitFor(() => expect(drip.written()).toBeGreaterThanOrEqual(3), { interval: 5 });
      await setup.clock.advance(300);
      expect(await call).toBeInstanceOf(ConnectTimeoutError);
    } finally {
      await drip.close();
    }
  });

  it("stops at once when the caller aborts, even between retries", async () => {
    setup.fake.on(USERS, { status: 429, headers: { "retry-after": "30" }, body: {} });
    const controller = new AbortController();
    const pending = createUser(client(), { signal: controller.signal }).catch((e: unknown) => e);
    await setup.clock.waitForTimer((timer) => timer.delay === 30_000);
    controller.abort(new Error("user cancelled"));
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectAbortError);
    expect((error as ConnectAbortError).cause).toEqual(new Error("user cancelled"));
    expect(setup.clock.pending).toEqual([]);
    expect(setup.fake.calls(USERS)).toHaveLength(1);
  });

  it("aborts an attempt in flight when the caller aborts", async () => {
    setup.fake.on(USERS, { hang: true });
    const controller = new AbortController();
    const pending = createUser(client(), { signal: controller.signal }).catch((e: unknown) => e);
    await received(USERS);
    controller.abort();
    expect(await pending).toBeInstanceOf(ConnectAbortError);
  });

  it("does not send anything when the signal is already aborted", async () => {
    await expect(createUser(client(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ConnectAbortError);
    expect(setup.fake.calls(USERS)).toHaveLength(0);
  });
});

/** A server that sends headers, then a byte every 20 ms, forever; `written()` counts the body writes. */
async function startDrip(): Promise<{ url: string; written(): number; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const timers = new Set<NodeJS.Timeout>();
  let written = 0;
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    written += 1;
    const timer = setInterval(() => {
      res.write(" ");
      written += 1;
    }, 20);
    timers.add(timer);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    written: () => written,
    close: async () => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("hooks", () => {
  it("tells onRequest, onResponse, onRetry and onTokenRefresh what happened, with Authorization redacted", async () => {
    setup.fake.on(USERS, { status: 429, body: {} }, { body: { user_id: "u" } });
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
    expect(onTokenRefresh).toHaveBeenCalledWith({
      grant: "client_credentials",
      scope: "connect:fulfillment",
      userId: undefined,
      expiresIn: 86_400,
    });
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
    expect(setup.fake.calls(USERS)[0]!.headers["x-trace"]).toBe("abc");
  });
});
