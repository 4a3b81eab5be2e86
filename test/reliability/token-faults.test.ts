/**
 * The token endpoint failing (500, bad JSON, no access_token, a token that expires at once, a
 * refusal) and recovering. A call that cannot get a token ends with a ConnectAuthError that says
 * why, sends nothing to the API, and the next call tries again.
 */
import { describe, expect, it, vi } from "vitest";
import { ConnectAbortError, ConnectAuthError, type ConnectClientOptions } from "../../src/index.ts";
import { RETRIES, TIMEOUT, createOrder, createUser, getOrder, ids, routes, httpFaultSuite } from "./support/calls.ts";
import { outcome, within } from "./support/harness.ts";
import { TOKEN_ROUTE, type HttpReply } from "./support/http-fault-server.ts";
import { randomSecret } from "./support/leaks.ts";
import { createTestClock, nextWait } from "../support/clock.ts";

const suite = httpFaultSuite("token-faults");
const { leaks, table, client } = suite;
const JSON_TYPE = { "content-type": "application/json" };
const WHAT = "client-credentials token request (scope connect:fulfillment) failed";
/** A token the server sends in a broken answer: the client never learns it, the scan still looks for it. */
const BROKEN_TOKEN = randomSecret();
leaks.watch("token in a broken token answer", BROKEN_TOKEN);

interface TokenFault {
  readonly name: string;
  readonly replies: HttpReply[];
  /** Token requests one call makes before it gives up. */
  readonly tokenRequests: number;
  readonly message: string;
}

const FAULTS: TokenFault[] = [
  {
    name: "500 on every attempt",
    replies: [{ status: 500, body: { error: { message: "Internal error", code: 5000 } } }],
    tokenRequests: RETRIES + 1,
    message: `${WHAT} with HTTP 500: Internal error`,
  },
  {
    name: "502 HTML page from a proxy",
    replies: [{ status: 502, raw: "<html><body>Bad Gateway</body></html>", headers: { "content-type": "text/html" } }],
    tokenRequests: RETRIES + 1,
    message: `${WHAT} with HTTP 502: <html><body>Bad Gateway</body></html>`,
  },
  {
    name: "200 with bad JSON",
    replies: [{ raw: `{"access_token": "${BROKEN_TOKEN}", "expires_in": 3600,, }`, headers: JSON_TYPE }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered with invalid JSON`,
  },
  {
    name: "200 with truncated JSON",
    replies: [{ raw: `{"access_token": "${BROKEN_TOKEN}", "expires_in": 36`, headers: JSON_TYPE }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered with invalid JSON`,
  },
  {
    name: "200 with the token as plain text",
    replies: [{ raw: BROKEN_TOKEN, headers: JSON_TYPE }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered with invalid JSON`,
  },
  {
    name: "400 quoting the client secret",
    replies: [
      (request) => ({
        status: 400,
        body: { error: "invalid_client", error_description: `unknown secret ${(request.json as { client_secret: string }).client_secret}` },
      }),
    ],
    tokenRequests: 1,
    message: `${WHAT} with HTTP 400: invalid_client: unknown secret [redacted]`,
  },
  {
    name: "200 without access_token",
    replies: [{ body: { token_type: "Bearer", expires_in: 7200, created_at: 1603897760 } }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered HTTP 200 without an access_token`,
  },
  {
    name: "200 with an empty access_token",
    replies: [{ body: { access_token: "", token_type: "Bearer", expires_in: 7200 } }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered HTTP 200 without an access_token`,
  },
  {
    name: "200 with an empty body",
    replies: [{ raw: "", headers: JSON_TYPE }],
    tokenRequests: 1,
    message: `${WHAT}: the token endpoint answered HTTP 200 without an access_token`,
  },
  {
    name: "401 invalid_client",
    replies: [{ status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } }],
    tokenRequests: 1,
    message: `${WHAT} with HTTP 401: invalid_client: Client authentication failed`,
  },
];

describe.each(FAULTS)("token endpoint: $name", ({ name, replies, tokenRequests, message }) => {
  it("a ConnectAuthError that says why, no API call, retries only where allowed; the next call recovers", async () => {
    suite.server.on(TOKEN_ROUTE, ...replies);
    const connect = client();
    const userId = `tok-user-${randomSecret(6)}`;
    const tokensBefore = suite.server.count(TOKEN_ROUTE);
    const usersBefore = suite.server.count(routes.createUser);
    const settled = await within(2_000, () => createUser(connect, userId));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectAuthError);
    expect((settled.error as Error).message).toContain(message);
    expect(suite.server.count(TOKEN_ROUTE) - tokensBefore).toBe(tokenRequests);
    expect(suite.server.count(routes.createUser) - usersBefore).toBe(0);

    suite.server.on(TOKEN_ROUTE);
    const next = await within(2_000, () => createUser(connect, userId));
    expect(next.ok).toBe(true);
    expect(next.value!.response.status).toBe(200);
    expect(suite.server.count(routes.createUser) - usersBefore).toBe(1);
    table.add({
      fault: `token endpoint: ${name}`,
      expected: `ConnectAuthError, ${tokenRequests} token request(s), no API call; next call recovers`,
      observed: `${outcome(settled)}; ${suite.server.count(TOKEN_ROUTE) - tokensBefore - 1} token request(s); then ${outcome(next)}`,
    });
  });
});

describe("token endpoint recovering inside one call", () => {
  /**
   * Starts one call while the token endpoint answers `failure` once and then a token (the endpoint's
   * script is cleared once the call settles); `tokenRequests` counts the token requests since the start.
   */
  function callThroughTokenFailure(failure: HttpReply, budget: number, extra: Partial<ConnectClientOptions> = {}) {
    suite.server.on(TOKEN_ROUTE, failure, { issueToken: true });
    const before = suite.server.count(TOKEN_ROUTE);
    const call = within(budget, () => createUser(client(extra), `tok-user-${randomSecret(6)}`));
    const clear = () => suite.server.on(TOKEN_ROUTE);
    call.then(clear, clear);
    return { call, tokenRequests: () => suite.server.count(TOKEN_ROUTE) - before };
  }

  it("500 then a token: the token request is retried and the call succeeds", async () => {
    const serverError = { status: 500, body: { error: { message: "Internal error" } } };
    const { call, tokenRequests } = callThroughTokenFailure(serverError, 2_000);
    const settled = await call;
    expect(settled.value!.response.status).toBe(200);
    expect(tokenRequests()).toBe(2);
    table.add({
      fault: "token endpoint: 500 then a token",
      expected: "token request retried, call succeeds",
      observed: `${outcome(settled)}; ${tokenRequests()} token requests`,
    });
  });

  it("429 with Retry-After: 1 then a token: waits, retries, succeeds", async () => {
    const tooMany = { status: 429, headers: { "retry-after": "1" }, body: { error: { message: "Too many requests" } } };
    const clock = createTestClock();
    const { call, tokenRequests } = callThroughTokenFailure(tooMany, 3_000, { clock });
    // Attempt timeouts are timers too (never due here: the clock moves only when the test says so).
    const wait = await nextWait(clock, call, (timer) => timer.delay !== TIMEOUT);
    expect(wait.delay).toBe(1000);
    await clock.advance(999);
    expect(tokenRequests()).toBe(1);
    await clock.advance(1);
    const settled = await call;
    expect(settled.value!.response.status).toBe(200);
    expect(tokenRequests()).toBe(2);
    table.add({
      fault: "token endpoint: 429 Retry-After: 1, then a token",
      expected: "waits 1 s, retried, call succeeds",
      observed: `${outcome(settled)}; ${tokenRequests()} token requests, the second after a ${wait.delay} ms wait on the client's clock`,
    });
  });

  it("50 calls waiting on a failing token request all get the ConnectAuthError; one token request (with its retries) in all", async () => {
    suite.server.on(TOKEN_ROUTE, { status: 503, body: { error: { message: "Unavailable" } }, delay: 20 });
    const connect = client();
    const before = suite.server.count(TOKEN_ROUTE);
    const usersBefore = suite.server.count(routes.createUser);
    const settled = await within(3_000, () =>
      Promise.allSettled(Array.from({ length: 50 }, (_, i) => createUser(connect, `tok-many-${i}`))),
    );
    const results = settled.value!;
    for (const result of results) {
      expect(result.status).toBe("rejected");
      const reason = (result as PromiseRejectedResult).reason as Error;
      leaks.error(reason);
      expect(reason).toBeInstanceOf(ConnectAuthError);
      expect(reason.message).toBe(`${WHAT} with HTTP 503: Unavailable`);
    }
    expect(suite.server.count(TOKEN_ROUTE) - before).toBe(RETRIES + 1);
    expect(suite.server.maxConcurrentTokenRequests).toBe(1);
    expect(suite.server.count(routes.createUser) - usersBefore).toBe(0);
    suite.server.on(TOKEN_ROUTE);
    const recovered = await within(3_000, () => Promise.all(Array.from({ length: 50 }, (_, i) => createUser(connect, `tok-many-${i}`))));
    expect(recovered.value!.every((r) => r.response.status === 200)).toBe(true);
    expect(suite.server.count(TOKEN_ROUTE) - before).toBe(RETRIES + 2);
    table.add({
      fault: "token endpoint: 503 while 50 calls wait",
      expected: "all 50 ConnectAuthError, one token request (+2 retries), no API call; then all 50 succeed on one new token",
      observed: `${results.length} rejected within ${Math.round(settled.elapsed)} ms; ${suite.server.count(TOKEN_ROUTE) - before} token requests in all`,
    });
  });
});

describe("a token that expires at once (expires_in: 0)", () => {
  it("the API refuses it: refreshed once, refused again, ConnectAuthError; then recovers with a normal token", async () => {
    suite.server.expiresIn = 0;
    const connect = client();
    const path = ids("tok");
    const route = routes.getOrder(path);
    const before = suite.server.count(TOKEN_ROUTE);
    try {
      const settled = await within(2_000, () => getOrder(connect, path));
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectAuthError);
      expect((settled.error as Error).message).toBe(
        "getOrder (GET /v2/fulfillment/users/{user_id}/orders/{order_id}) was refused with HTTP 401 with a fresh token: The access token is invalid or has expired",
      );
      expect(suite.server.count(TOKEN_ROUTE) - before).toBe(2);
      expect(suite.server.count(route)).toBe(2);
      suite.server.expiresIn = 3600;
      const next = await within(2_000, () => getOrder(connect, path));
      expect(next.value!.response.status).toBe(200);
      expect(suite.server.count(TOKEN_ROUTE) - before).toBe(3);
      table.add({
        fault: "token expires at once (expires_in 0), API enforces expiry",
        expected: "401 → one refresh → 401 → ConnectAuthError; next call with a normal token succeeds",
        observed: `${outcome(settled)}; ${suite.server.count(route) - 1} API requests, 2 token requests; then ${outcome(next)}`,
      });
    } finally {
      suite.server.expiresIn = 3600;
    }
  });

  it("an API that still accepts it: never reused, every call gets a fresh token and succeeds", async () => {
    suite.server.expiresIn = 0;
    suite.server.enforceExpiry = false;
    try {
      const connect = client();
      const before = suite.server.count(TOKEN_ROUTE);
      for (let i = 0; i < 3; i++) {
        const settled = await within(1_000, () => createUser(connect, `tok-zero-${i}`));
        expect(settled.value!.response.status).toBe(200);
      }
      expect(suite.server.count(TOKEN_ROUTE) - before).toBe(3);
      const used = new Set(
        suite.server
          .requests(routes.createUser)
          .slice(-3)
          .map((r) => r.headers.authorization),
      );
      expect(used.size).toBe(3);
      table.add({
        fault: "token expires at once (expires_in 0), API accepts it",
        expected: "each call fetches a fresh token",
        observed: `3 calls, ${suite.server.count(TOKEN_ROUTE) - before} token requests, ${used.size} distinct tokens`,
      });
    } finally {
      suite.server.expiresIn = 3600;
      suite.server.enforceExpiry = true;
    }
  });
});

describe("a token endpoint that never answers", () => {
  it("the caller's signal ends a call waiting for the token at once; the token request goes on for the others", async () => {
    suite.server.on(TOKEN_ROUTE, { hang: true });
    try {
      const connect = client({ timeout: 5_000 });
      const controller = new AbortController();
      const userId = `tok-abort-${randomSecret(6)}`;
      const usersBefore = suite.server.count(routes.createUser);
      const tokensBefore = suite.server.count(TOKEN_ROUTE);
      const pending = within(1_000, () =>
        connect.POST("/v2/fulfillment/users", { body: { user_id: userId, first_name: "Ada" }, signal: controller.signal }),
      );
      // The token request is in flight (and will never be answered): the caller gives up.
      await vi.waitFor(() => expect(suite.server.count(TOKEN_ROUTE)).toBeGreaterThan(tokensBefore), { interval: 2 });
      controller.abort(new Error("user navigated away"));
      const settled = await pending;
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectAbortError);
      expect((settled.error as ConnectAbortError).cause).toEqual(new Error("user navigated away"));
      expect((settled.error as Error).message).toBe("createUser (POST /v2/fulfillment/users) was aborted by the caller");
      expect(suite.server.count(routes.createUser) - usersBefore).toBe(0);
      table.add({
        fault: "token endpoint never answers; the caller aborts while waiting for it",
        expected: "ConnectAbortError at once, nothing sent to the API",
        observed: outcome(settled),
      });
    } finally {
      suite.server.on(TOKEN_ROUTE);
    }
  });
});

describe("a slow token response", () => {
  it("does not stretch the token's life: expires_in counts from the token request, so the client never sends an expired token", async () => {
    // The server issues a 1 s token; on the client's clock its answer takes 500 ms. Counted from the
    // answer, the client would believe the token valid until 1.5 s after it was issued.
    suite.server.on(TOKEN_ROUTE, { issueToken: true, expiresIn: 1 });
    const clock = createTestClock();
    const slowTokenAnswers = async (request: Request): Promise<Response> => {
      const response = await fetch(request);
      if (request.url.endsWith("/v2/oauth/token")) await clock.advance(500);
      return response;
    };
    const connect = client({ tokenRefreshMargin: 0, timeout: 5_000, clock, fetch: slowTokenAnswers });
    const path = ids("tok");
    const route = routes.createOrder(path);
    const before = { tokens: suite.server.count(TOKEN_ROUTE), refused: suite.server.unauthorized };
    try {
      const first = await within(2_000, () => createUser(connect, `slow-token-${path.user_id}`));
      expect(first.value!.response.status).toBe(200);
      // 1.2 s after the token request: expired, but "valid" if counted from the answer.
      await clock.advance(700);
      const second = await within(2_000, () => createOrder(connect, path));
      expect(second.value!.response.status).toBe(200);
      expect(suite.server.unauthorized - before.refused).toBe(0);
      expect(suite.server.count(route)).toBe(1);
      expect(suite.server.count(TOKEN_ROUTE) - before.tokens).toBe(2);
      table.add({
        fault: "token answer 500 ms late (client clock), 1 s lifetime, no refresh margin",
        expected: "lifetime counted from the request: renewed before use, no 401, the create sent once",
        observed: `${outcome(second)}; ${suite.server.unauthorized - before.refused} 401s; ${suite.server.count(route)} create request; ${suite.server.count(TOKEN_ROUTE) - before.tokens} token requests`,
      });
    } finally {
      suite.server.on(TOKEN_ROUTE);
    }
  });
});

describe("leak scan", () => {
  it("finds neither the client secret nor any issued token in anything collected", () => {
    expect(leaks.watched).toBeGreaterThan(10);
    expect(leaks.captured.length).toBeGreaterThan(100);
    expect(leaks.scan()).toEqual([]);
  });
});
