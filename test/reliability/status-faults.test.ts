/**
 * A busy API, from a node:http server: 5xx bursts, 429 with Retry-After in seconds and as an HTTP
 * date, 408, and an answer that comes after the timeout. GET is retried where the rules allow; a
 * create (POST) is sent once after a timeout or a 5xx, and re-sent after a 429 (not processed).
 */
import { describe, expect, it } from "vitest";
import { ConnectApiError, ConnectTimeoutError, unwrap, type RetryHookInfo } from "../../src/index.ts";
import { RETRIES, TIMEOUT, createOrder, getOrder, ids, routes, httpFaultSuite } from "./support/calls.ts";
import { outcome, within } from "./support/harness.ts";
import type { HttpReply } from "./support/http-fault-server.ts";
import { createTestClock, nextWait, type TestClock } from "../support/clock.ts";

const suite = httpFaultSuite("status-faults");
const { leaks, table, client } = suite;
const envelope = (status: number): HttpReply => ({ status, body: { error: { message: `Upstream failure ${status}`, code: 5000 } } });
const BUDGET = 2_000;

/** Runs `unwrap` on an error result and collects the ConnectApiError it throws. */
async function apiError(result: unknown): Promise<ConnectApiError> {
  const error = await unwrap(result as Promise<{ response: Response; data?: unknown; error?: unknown }>).catch((e: unknown) => e);
  leaks.error(error);
  expect(error).toBeInstanceOf(ConnectApiError);
  return error as ConnectApiError;
}

describe("5xx bursts", () => {
  it.each([[[500, 502]], [[503, 503]], [[502, 500]]])("GET: a burst of %j then 200 is retried to the data", async (burst) => {
    const path = ids("st");
    suite.server.on(routes.getOrder(path), ...burst.map(envelope), { body: { order_id: path.order_id, status: "delivered" } });
    const retries: RetryHookInfo[] = [];
    const settled = await within(BUDGET, () =>
      getOrder(client({ hooks: { ...leaks.hooks(), onRetry: (i) => void retries.push(i) } }), path),
    );
    expect(settled.ok).toBe(true);
    expect(settled.value!.data).toEqual({ order_id: path.order_id, status: "delivered" });
    expect(suite.server.count(routes.getOrder(path))).toBe(burst.length + 1);
    expect(retries.map((r) => r.status)).toEqual(burst);
    table.add({
      fault: `${burst.join(", ")} then 200 (GET)`,
      expected: "retried, data",
      observed: `${outcome(settled)}; ${suite.server.count(routes.getOrder(path))} requests`,
    });
  });

  it("GET: a burst longer than maxRetries returns the last 5xx; unwrap throws a ConnectApiError with Instacart's message", async () => {
    const path = ids("st");
    suite.server.on(routes.getOrder(path), envelope(500), envelope(502), envelope(503), { body: {} });
    const settled = await within(BUDGET, () => getOrder(client(), path));
    expect(settled.ok).toBe(true);
    expect(settled.value!.response.status).toBe(503);
    expect(suite.server.count(routes.getOrder(path))).toBe(RETRIES + 1);
    const error = await apiError(settled.value);
    expect(error.status).toBe(503);
    expect(error.message).toBe(
      "getOrder (GET /v2/fulfillment/users/{user_id}/orders/{order_id}) failed with HTTP 503: Upstream failure 503 (code 5000)",
    );
    table.add({
      fault: "500, 502, 503, 200 with maxRetries 2 (GET)",
      expected: "3 attempts, the 503 returned, unwrap: ConnectApiError",
      observed: `${outcome(settled)}; ${suite.server.count(routes.getOrder(path))} requests; ${error.name}: "${error.message}"`,
    });
  });

  it.each([500, 502, 503, 504])("POST create: a %i is returned as is and the create is never re-sent", async (status) => {
    const path = ids("st");
    const route = routes.createOrder(path);
    suite.server.on(route, envelope(status), { body: { order_id: path.order_id } });
    const settled = await within(BUDGET, () => createOrder(client(), path));
    expect(settled.value!.response.status).toBe(status);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(suite.server.count(route)).toBe(1);
    const error = await apiError(settled.value);
    expect(error.message).toBe(
      `createDeliveryOrder (POST /v2/fulfillment/users/{user_id}/orders/delivery) failed with HTTP ${status}: Upstream failure ${status} (code 5000)`,
    );
    table.add({
      fault: `${status} on a create (POST)`,
      expected: "returned at once, sent once",
      observed: `${outcome(settled)}; ${suite.server.count(route)} request; unwrap: ${error.name}`,
    });
  });

  it("POST create with idempotent: true: the caller's opt-in lets a 5xx be retried", async () => {
    const path = ids("st");
    const route = routes.createOrder(path);
    suite.server.on(route, envelope(503), { body: { order_id: path.order_id } });
    const settled = await within(BUDGET, () => createOrder(client(), path, { idempotent: true }));
    expect(settled.value!.response.status).toBe(200);
    expect(suite.server.count(route)).toBe(2);
    table.add({
      fault: "503 then 200 on a create marked idempotent",
      expected: "retried (opt-in)",
      observed: `${outcome(settled)}; ${suite.server.count(route)} requests`,
    });
  });
});

/** A 429 then a 200 on the route of `method`, and one call of it on a test clock: the client's wait is read from the clock. */
function callThrough429(method: "GET" | "POST", tooMany: HttpReply, clock: TestClock) {
  const path = ids("st");
  const route = method === "GET" ? routes.getOrder(path) : routes.createOrder(path);
  suite.server.on(route, tooMany, { body: { order_id: path.order_id } });
  const delays: number[] = [];
  const connect = client({ clock, hooks: { ...leaks.hooks(), onRetry: (i) => void delays.push(i.delay) } });
  const call = within(3_000, () => (method === "GET" ? getOrder(connect, path) : createOrder(connect, path)));
  // Attempt timeouts are timers too (never due here: the clock moves only when the test says so).
  const wait = nextWait(clock, call, (timer) => timer.delay !== TIMEOUT);
  return { route, delays, call, wait };
}

describe.concurrent("429 Too Many Requests", () => {
  it.for(["GET", "POST"] as const)("%s: Retry-After in seconds is waited for, then retried once", async (method, { expect }) => {
    const clock = createTestClock();
    const tooMany = { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "Too many requests" } } };
    const { route, delays, call, wait } = callThrough429(method, tooMany, clock);
    expect((await wait).delay).toBe(1000);
    await clock.advance(999);
    expect(suite.server.count(route)).toBe(1);
    await clock.advance(1);
    const settled = await call;
    expect(settled.value!.response.status).toBe(200);
    expect(delays).toEqual([1000]);
    expect(suite.server.count(route)).toBe(2);
    table.add({
      fault: `429, Retry-After: 1 (${method})`,
      expected: "waits 1 s, retried once (a 429 was not processed), data",
      observed: `${outcome(settled)}; ${suite.server.count(route)} requests, the second after a ${delays[0]} ms wait on the client's clock`,
    });
  });

  it.for(["GET", "POST"] as const)("%s: Retry-After as an HTTP date is honoured", async (method, { expect }) => {
    const clock = createTestClock();
    // The date has whole seconds (so has the clock's start): 2 s ahead, answered 250 ms into the run.
    const retryAt = new Date(clock.now() + 2_000);
    await clock.advance(250);
    const tooMany = { status: 429, headers: { "retry-after": retryAt.toUTCString() }, body: {} };
    const { route, delays, call, wait } = callThrough429(method, tooMany, clock);
    const timer = await wait;
    expect(timer.delay).toBe(1_750);
    expect(timer.due).toBe(retryAt.getTime());
    await clock.advance(1_749);
    expect(suite.server.count(route)).toBe(1);
    await clock.advance(1);
    const settled = await call;
    expect(settled.value!.response.status).toBe(200);
    expect(delays).toEqual([1_750]);
    expect(suite.server.count(route)).toBe(2);
    table.add({
      fault: `429, Retry-After: <HTTP date 2 s ahead> (${method})`,
      expected: "waits until the date, retried once, data",
      observed: `${outcome(settled)}; waited ${delays[0]} ms on the client's clock; ${suite.server.count(route)} requests`,
    });
  });

  it("a Retry-After beyond maxRetryAfter returns the 429 at once", async ({ expect }) => {
    const path = ids("st");
    suite.server.on(routes.getOrder(path), { status: 429, headers: { "retry-after": "120" }, body: { error: { message: "Slow down" } } });
    const settled = await within(1_000, () => getOrder(client({ maxRetryAfter: 5_000 }), path));
    expect(settled.value!.response.status).toBe(429);
    expect(suite.server.count(routes.getOrder(path))).toBe(1);
    table.add({
      fault: "429, Retry-After: 120 with maxRetryAfter 5 s (GET)",
      expected: "the 429 returned at once, no wait",
      observed: `${outcome(settled)}; ${suite.server.count(routes.getOrder(path))} request`,
    });
  });

  it("429 without Retry-After: backoff, at most maxRetries times, then the 429", async ({ expect }) => {
    const path = ids("st");
    const route = routes.createOrder(path);
    suite.server.on(route, { status: 429, body: { error: { message: "Too many requests" } } });
    const settled = await within(BUDGET, () => createOrder(client(), path));
    expect(settled.value!.response.status).toBe(429);
    expect(suite.server.count(route)).toBe(RETRIES + 1);
    table.add({
      fault: "429 forever, no Retry-After (POST)",
      expected: "3 attempts with backoff, the 429 returned",
      observed: `${outcome(settled)}; ${suite.server.count(route)} requests`,
    });
  });
});

describe("408 Request Timeout", () => {
  it("GET: retried, data", async () => {
    const path = ids("st");
    suite.server.on(routes.getOrder(path), { status: 408, body: {} }, { body: { order_id: path.order_id } });
    const settled = await within(BUDGET, () => getOrder(client(), path));
    expect(settled.value!.response.status).toBe(200);
    expect(suite.server.count(routes.getOrder(path))).toBe(2);
    table.add({
      fault: "408 then 200 (GET)",
      expected: "retried, data",
      observed: `${outcome(settled)}; ${suite.server.count(routes.getOrder(path))} requests`,
    });
  });

  it("POST create: returned as is, never re-sent", async () => {
    const path = ids("st");
    const route = routes.createOrder(path);
    suite.server.on(route, { status: 408, body: {} }, { body: { order_id: path.order_id } });
    const settled = await within(BUDGET, () => createOrder(client(), path));
    expect(settled.value!.response.status).toBe(408);
    expect(suite.server.count(route)).toBe(1);
    const error = await apiError(settled.value);
    expect(error.status).toBe(408);
    table.add({
      fault: "408 on a create (POST)",
      expected: "returned, sent once",
      observed: `${outcome(settled)}; ${suite.server.count(route)} request; unwrap: ${error.name}`,
    });
  });
});

describe("an answer that comes after the timeout", () => {
  it("POST create: a ConnectTimeoutError and the create is not re-sent, even though the server processed it", async () => {
    const path = ids("st");
    const route = routes.createOrder(path);
    suite.server.on(route, { body: { order_id: path.order_id }, delay: TIMEOUT + 200 });
    const settled = await within(1_500, () => createOrder(client(), path));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectTimeoutError);
    expect((settled.error as Error).message).toBe(
      `createDeliveryOrder (POST /v2/fulfillment/users/{user_id}/orders/delivery) timed out after ${TIMEOUT} ms (attempt 1 of 1)`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(suite.server.count(route)).toBe(1);
    table.add({
      fault: "create answered after the timeout (POST)",
      expected: "ConnectTimeoutError, sent once",
      observed: `${outcome(settled)}; ${suite.server.count(route)} request`,
    });
  });

  it("GET: each attempt times out, three in all, then a ConnectTimeoutError", async () => {
    const path = ids("st");
    suite.server.on(routes.getOrder(path), { body: {}, delay: TIMEOUT + 200 });
    const settled = await within(2_500, () => getOrder(client(), path));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectTimeoutError);
    expect((settled.error as ConnectTimeoutError).attempt).toBe(RETRIES + 1);
    expect(suite.server.count(routes.getOrder(path))).toBe(RETRIES + 1);
    table.add({
      fault: "read answered after the timeout (GET)",
      expected: "3 attempts, ConnectTimeoutError",
      observed: `${outcome(settled)}; ${suite.server.count(routes.getOrder(path))} requests`,
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
