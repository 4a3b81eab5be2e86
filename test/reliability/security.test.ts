/**
 * Security: path parameters that try to change the path, plain HTTP to a remote host, redirects to
 * another host, bad options, servers that echo credentials back, and the leak scan itself (shown
 * to find a planted secret, so that its clean result elsewhere means something).
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ConnectApiError,
  ConnectAuthError,
  ConnectConfigError,
  ConnectRequestError,
  createConnectClient,
  unwrap,
  type ConnectClientOptions,
} from "../../src/index.ts";
import { createUser, faultClient, getOrder, routes, warmUp } from "./support/calls.ts";
import { faultTable, outcome, within } from "./support/harness.ts";
import { TOKEN_ROUTE, startHttpFaultServer, type HttpFaultServer } from "./support/http-fault-server.ts";
import { createLeakCollector, randomSecret } from "./support/leaks.ts";
import { startRawFaultServer, type RawFaultServer } from "./support/raw-fault-server.ts";

const leaks = createLeakCollector();
const table = faultTable("security");
const CLIENT_ID = `client-${randomSecret(8)}`;
let api: HttpFaultServer;
/** Another host: the target of cross-host redirects. It records whatever reaches it. */
let elsewhere: HttpFaultServer;
let raw: RawFaultServer;

beforeAll(async () => {
  leaks.spyOnOutput();
  const onIssue = (token: string) => leaks.watch("token", token);
  api = await startHttpFaultServer({ clientId: CLIENT_ID, clientSecret: leaks.clientSecret, onIssue });
  try {
    elsewhere = await startHttpFaultServer({ clientId: "other", clientSecret: "other", host: "127.0.0.2" });
  } catch {
    // Where 127.0.0.2 is not routable, "localhost" is still another host than 127.0.0.1 for a URL.
    const fallback = await startHttpFaultServer({ clientId: "other", clientSecret: "other" });
    elsewhere = { ...fallback, url: fallback.url.replace("127.0.0.1", "localhost") };
  }
  raw = await startRawFaultServer({ clientId: CLIENT_ID, clientSecret: leaks.clientSecret, onIssue });
  await warmUp(api.url, CLIENT_ID, leaks);
});
afterAll(async () => {
  leaks.restoreOutput();
  await Promise.all([api.close(), elsewhere.close(), raw.close()]);
  table.write();
});

const client = (server: string, extra: Partial<ConnectClientOptions> = {}) => faultClient(leaks, server, CLIENT_ID, extra);

describe("the leak scan itself", () => {
  it("finds a secret planted in an error, a hook argument, console output and a process warning", () => {
    const probe = createLeakCollector();
    // The planted output goes nowhere: the probe wraps silent stand-ins, restored afterwards.
    const [warn, emitWarning] = [console.warn, process.emitWarning];
    console.warn = () => {};
    process.emitWarning = () => {};
    probe.spyOnOutput();
    const token = randomSecret();
    probe.watch("planted token", token);
    try {
      probe.error(new Error("nothing here"), "clean error");
      probe.error(new Error("wrapper", { cause: { detail: `Bearer ${token}` } }), "error with a cause");
      probe.value("hook", { headers: { authorization: `Bearer ${probe.clientSecret}` } });
      console.warn("warning about", token);
      process.emitWarning(`deprecated for ${probe.clientSecret}`);
    } finally {
      probe.restoreOutput();
      console.warn = warn;
      process.emitWarning = emitWarning;
    }
    const found = probe.scan();
    expect(found.map((f) => `${f.source}: ${f.secret}`)).toEqual(
      expect.arrayContaining([
        "error with a cause inspect: planted token",
        "hook JSON: client secret",
        "console.warn: planted token",
        "process.emitWarning: client secret",
      ]),
    );
    expect(found.some((f) => f.source.startsWith("clean error"))).toBe(false);
    // A finding names the secret but never holds it.
    expect(JSON.stringify(found)).not.toContain(token);
  });
});

describe("path parameters are encoded as one segment", () => {
  const VALUES: [string, string][] = [
    ["a/b", "a%2Fb"],
    ["a/../b", "a%2F..%2Fb"],
    ["../../oauth/token", "..%2F..%2Foauth%2Ftoken"],
    ["...", "..."],
    ["?admin=true", "%3Fadmin%3Dtrue"],
    ["#fragment", "%23fragment"],
    ["100%", "100%25"],
    ["%2e%2e", "%252e%252e"],
    ["two words", "two%20words"],
    ["tab\there", "tab%09here"],
    ["Zoë", "Zo%C3%AB"],
    ["注文", "%E6%B3%A8%E6%96%87"],
    ["🛒", "%F0%9F%9B%92"],
    ["a?b#c/d%e f", "a%3Fb%23c%2Fd%25e%20f"],
    ["back\\slash", "back%5Cslash"],
  ];

  it.each(VALUES)("%j is sent as %s, in place, with no query or fragment", async (value, encoded) => {
    const before = raw.received.length;
    const settled = await within(2_000, () => getOrder(client(raw.url), { user_id: value, order_id: value }));
    expect(settled.ok).toBe(true);
    const sent = raw.received.slice(before).filter((r) => r.method === "GET");
    expect(sent).toHaveLength(1);
    const target = sent[0]!.target;
    // The exact request line the server read: nothing normalized, nothing added.
    expect(target).toBe(`/v2/fulfillment/users/${encoded}/orders/${encoded}`);
    const segments = target.split("/");
    expect(segments).toHaveLength(7);
    expect(target).not.toMatch(/[?#\s]/);
    expect(decodeURIComponent(segments[4]!)).toBe(value);
    expect(segments[5]).toBe("orders");
    expect(decodeURIComponent(segments[6]!)).toBe(value);
    table.add({ fault: `path parameter ${JSON.stringify(value)}`, expected: "one percent-encoded segment", observed: `sent ${target}` });
  });

  it.each([".", "..", ""])("%j is refused before anything is sent (it would change the path)", async (value) => {
    const before = raw.received.length;
    const settled = await within(1_000, () => getOrder(client(raw.url), { user_id: value, order_id: "o-1" }));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectRequestError);
    expect((settled.error as Error).message).toMatch(
      /^getOrder \(GET \/v2\/fulfillment\/users\/\{user_id\}\/orders\/\{order_id\}\): path parameter `user_id` (cannot be "\.{1,2}": it would change the path|must not be empty)\.$/,
    );
    expect(raw.received.length).toBe(before);
    table.add({
      fault: `path parameter ${JSON.stringify(value)}`,
      expected: "ConnectRequestError, nothing sent",
      observed: outcome(settled),
    });
  });
});

describe("plain HTTP", () => {
  it.each([
    "http://connect.instacart.com",
    "http://connect.dev.instacart.tools",
    "HTTP://CONNECT.EXAMPLE-PARTNER.TEST",
    "http://10.0.0.5:8080",
    "http://192.168.1.20",
    "http://0.0.0.0:4010",
    "http://127.0.0.1.nip.io",
    "http://localhost.example.test",
    "http://[::ffff:127.0.0.1]",
    "http://[2001:db8::1]",
  ])("to the non-loopback host %s is refused at construction, before any request", (server) => {
    const fetch = vi.fn(async () => new Response("{}"));
    const make = () => createConnectClient({ server, clientId: CLIENT_ID, clientSecret: leaks.clientSecret, fetch });
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    leaks.error(error);
    expect(error).toBeInstanceOf(ConnectConfigError);
    expect((error as Error).message).toMatch(
      /^`server` must use https: \(plain HTTP only for loopback hosts: localhost, 127\.0\.0\.0\/8, ::1\), not http:\/\/\S+\.$/,
    );
    expect(fetch).not.toHaveBeenCalled();
    table.add({
      fault: `server ${server}`,
      expected: "ConnectConfigError at construction",
      observed: `${(error as Error).name}: "${(error as Error).message}"`,
    });
  });

  it.each(["http://127.0.0.1:1", "http://127.42.0.7:1", "http://localhost:1", "http://[::1]:1"])(
    "to the loopback host %s is allowed (local mocks)",
    (server) => {
      expect(createConnectClient({ server, clientId: CLIENT_ID, clientSecret: leaks.clientSecret }).server).toBe(server);
    },
  );
});

describe("redirects are never followed", () => {
  it("control: a plain fetch that follows the redirect does reach the other host (the recorder works)", async () => {
    const path = "/v2/fulfillment/users";
    api.on(`POST /control${path}`, { status: 307, headers: { location: `${elsewhere.url}${path}` } });
    elsewhere.on(`POST ${path}`, { body: { reached: true } });
    const response = await fetch(`${api.url}/control${path}`, {
      method: "POST",
      body: '{"user_id":"control"}',
      headers: { "content-type": "application/json" },
    });
    expect(await response.json()).toEqual({ reached: true });
    expect(response.status).toBe(200);
    const reached = elsewhere.requests(`POST ${path}`);
    expect(reached).toHaveLength(1);
    expect(reached[0]!.body).toBe('{"user_id":"control"}');
    table.add({
      fault: "control: plain fetch, redirect: follow, 307 to another host",
      expected: "the other host receives the request",
      observed: `received ${reached.length}, body carried, Authorization ${reached[0]!.headers.authorization === undefined ? "absent" : "present"}`,
    });
  });

  it.each([301, 302, 303, 307, 308])(
    "a %i to another host: returned as an error result; the other host receives nothing (no token, no body)",
    async (status) => {
      const userId = `redirect-${status}-${randomSecret(6)}`;
      api.on(routes.createUser, { status, headers: { location: `${elsewhere.url}/v2/fulfillment/users` }, raw: "" });
      const before = { api: api.count(routes.createUser), elsewhere: elsewhere.received.length };
      try {
        const settled = await within(2_000, () => createUser(client(api.url), userId));
        expect(settled.ok).toBe(true);
        const { response, error } = settled.value!;
        expect(response.status).toBe(status);
        expect(response.headers.get("location")).toBe(`${elsewhere.url}/v2/fulfillment/users`);
        expect(error).toEqual({ error: { message: expect.stringMatching(new RegExp(`^HTTP ${status} .* with an empty body$`)) } });
        expect(api.count(routes.createUser) - before.api).toBe(1);
        const unwrapped = await unwrap(settled.value!).catch((e: unknown) => e);
        leaks.error(unwrapped);
        expect(unwrapped).toBeInstanceOf(ConnectApiError);
        expect((unwrapped as ConnectApiError).status).toBe(status);
        // Give a followed redirect the time to arrive before counting.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(elsewhere.received.length - before.elsewhere).toBe(0);
        table.add({
          fault: `${status} to another host (POST createUser)`,
          expected: "not followed: error result, nothing reaches the other host",
          observed: `${outcome(settled)}; other host received ${elsewhere.received.length - before.elsewhere}`,
        });
      } finally {
        api.on(routes.createUser);
      }
    },
  );

  it("a redirect of the token request (client secret in the body): a ConnectAuthError, the other host receives nothing", async () => {
    api.on(TOKEN_ROUTE, { status: 307, headers: { location: `${elsewhere.url}/v2/oauth/token` }, raw: "" });
    const before = elsewhere.received.length;
    try {
      const settled = await within(2_000, () => createUser(client(api.url), `redirect-token-${randomSecret(6)}`));
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectAuthError);
      expect((settled.error as Error).message).toMatch(
        /^client-credentials token request \(scope connect:fulfillment\) failed with HTTP 307/,
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(elsewhere.received.length - before).toBe(0);
      table.add({
        fault: "307 of the token request to another host",
        expected: "ConnectAuthError; the secret never leaves for the other host",
        observed: `${outcome(settled)}; other host received ${elsewhere.received.length - before}`,
      });
    } finally {
      api.on(TOKEN_ROUTE);
    }
  });
});

describe("bad options fail at construction with clear messages", () => {
  const base = () => ({ server: "https://connect.example-partner.test", clientId: CLIENT_ID, clientSecret: leaks.clientSecret });
  it.each<[string, Record<string, unknown>, string]>([
    ["empty client id", { clientId: "" }, "`clientId` must be a non-empty string."],
    ["blank client id", { clientId: "   " }, "`clientId` must be a non-empty string."],
    ["empty client secret", { clientSecret: "" }, "`clientSecret` must be a non-empty string."],
    ["unknown server name", { server: "staging" }, '`server` must be "production" or "development" or an absolute URL, not "staging".'],
    [
      "server name in the wrong case",
      { server: "Production" },
      '`server` must be "production" or "development" or an absolute URL, not "Production".',
    ],
    [
      "no server",
      { server: undefined },
      '`server` is required: "production" or "development", or an https:// URL (the client never falls back to production).',
    ],
    ["negative timeout", { timeout: -1 }, "`timeout` must be a whole number from 1 to 2147483647, got -1."],
    ["zero timeout", { timeout: 0 }, "`timeout` must be a whole number from 1 to 2147483647, got 0."],
    ["infinite timeout", { timeout: Number.POSITIVE_INFINITY }, "`timeout` must be a whole number from 1 to 2147483647, got Infinity."],
    ["timeout as a string", { timeout: "5000" }, "`timeout` must be a whole number from 1 to 2147483647, got string."],
    ["retries over the cap", { maxRetries: 11 }, "`maxRetries` must be a whole number from 0 to 10, got 11."],
    ["retries far over the cap", { maxRetries: 1_000 }, "`maxRetries` must be a whole number from 0 to 10, got 1000."],
    ["negative retries", { maxRetries: -1 }, "`maxRetries` must be a whole number from 0 to 10, got -1."],
    ["fractional retries", { maxRetries: 1.5 }, "`maxRetries` must be a whole number from 0 to 10, got 1.5."],
    ["negative retry delay", { retryDelay: -5 }, "`retryDelay` must be a number from 0 to 60000, got -5."],
    [
      "misspelt option",
      { clientSecrett: "x" },
      "unknown option `clientSecrett` (known: server, clientId, clientSecret, accessToken, tokenCache, scope, retailerId, locale, timeout, maxResponseBytes, maxRetries, retryDelay, maxRetryDelay, maxRetryAfter, tokenRefreshMargin, onDeprecation, hooks, fetch, clock).",
    ],
  ])("%s", (_name, override, message) => {
    const fetch = vi.fn(async () => new Response("{}"));
    let error: unknown;
    try {
      createConnectClient({ ...base(), fetch, ...override } as never);
    } catch (e) {
      error = e;
    }
    leaks.error(error);
    expect(error).toBeInstanceOf(ConnectConfigError);
    expect((error as Error).message).toBe(message);
    expect(fetch).not.toHaveBeenCalled();
    table.add({ fault: `option: ${_name}`, expected: "ConnectConfigError at construction", observed: `"${(error as Error).message}"` });
  });

  it("per-call timeout and retries out of range: a ConnectRequestError before anything is sent", async () => {
    const connect = client(api.url);
    const before = api.received.length;
    for (const [init, message] of [
      [{ timeout: -1 }, "`timeout` must be a whole number from 1 to 2147483647, got -1."],
      [{ maxRetries: 50 }, "`maxRetries` must be a whole number from 0 to 10, got 50."],
    ] as const) {
      const settled = await within(1_000, () => getOrder(connect, { user_id: "u", order_id: "o" }, init));
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectRequestError);
      expect((settled.error as Error).message).toBe(message);
    }
    expect(api.received.length).toBe(before);
  });
});

describe("servers that echo credentials back", () => {
  it("an API error that quotes the bearer token: the ConnectApiError from unwrap holds no token", async () => {
    api.on(routes.createUser, (request) => ({
      status: 403,
      body: {
        error: { message: `token ${request.headers.authorization} lacks the scope`, code: 1002 },
        meta: { key: request.headers.authorization },
      },
    }));
    try {
      const settled = await within(2_000, () => createUser(client(api.url), `echo-${randomSecret(6)}`));
      expect(settled.value!.response.status).toBe(403);
      const error = await unwrap(settled.value!).catch((e: unknown) => e);
      leaks.error(error);
      expect(error).toBeInstanceOf(ConnectApiError);
      expect((error as Error).message).toMatch(
        /^createUser \(POST \/v2\/fulfillment\/users\) failed with HTTP 403: token Bearer \[redacted\] lacks the scope \(code 1002, Bearer \[redacted\]\)$/,
      );
      const shown = JSON.stringify(error) + inspect(error, { depth: Infinity, showHidden: true });
      for (const token of api.tokens) expect(shown).not.toContain(token.token);
      table.add({
        fault: "403 whose message quotes the bearer token",
        expected: "ConnectApiError with the token redacted",
        observed: `"${(error as Error).message}"`,
      });
    } finally {
      api.on(routes.createUser);
    }
  });

  it("a 502 page that quotes the client secret: redacted from the ConnectApiError", async () => {
    api.on(routes.createUser, {
      status: 502,
      raw: `upstream rejected client_secret=${leaks.clientSecret}`,
      headers: { "content-type": "text/plain" },
    });
    try {
      const settled = await within(2_000, () => createUser(client(api.url, { maxRetries: 0 }), `echo-${randomSecret(6)}`));
      const error = await unwrap(settled.value!).catch((e: unknown) => e);
      leaks.error(error);
      expect(error).toBeInstanceOf(ConnectApiError);
      expect((error as Error).message).toBe(
        "createUser (POST /v2/fulfillment/users) failed with HTTP 502: upstream rejected client_secret=[redacted]",
      );
      table.add({
        fault: "502 page quoting the client secret",
        expected: "ConnectApiError with the secret redacted",
        observed: `"${(error as Error).message}"`,
      });
    } finally {
      api.on(routes.createUser);
    }
  });

  it("a 401 that quotes the token twice: the ConnectAuthError holds no token", async () => {
    api.on(routes.createUser, (request) => ({ status: 401, body: { error: { message: `expired: ${request.headers.authorization}` } } }));
    try {
      const settled = await within(2_000, () => createUser(client(api.url), `echo-${randomSecret(6)}`));
      leaks.error(settled.error);
      expect(settled.error).toBeInstanceOf(ConnectAuthError);
      expect((settled.error as Error).message).toBe(
        "createUser (POST /v2/fulfillment/users) was refused with HTTP 401 with a fresh token: expired: Bearer [redacted]",
      );
      table.add({
        fault: "401 twice, quoting the token",
        expected: "ConnectAuthError with the token redacted",
        observed: `"${(settled.error as Error).message}"`,
      });
    } finally {
      api.on(routes.createUser);
    }
  });

  it("a revoke endpoint that quotes the token it refuses: the failure holds no token", async () => {
    const connect = client(api.url);
    await createUser(connect, `revoke-${randomSecret(6)}`);
    api.on("POST /v2/oauth/token/revoke", (request) => ({
      status: 400,
      body: { error: "invalid_token", error_description: `unknown token ${(request.json as { token?: string }).token}` },
    }));
    try {
      const settled = await within(2_000, () => connect.revokeTokens());
      const { revoked, failed } = settled.value!;
      expect(revoked).toBe(0);
      expect(failed).toHaveLength(1);
      leaks.error(failed[0]);
      expect(failed[0]!.message).toBe("token revocation failed with HTTP 400: invalid_token: unknown token [redacted]");
      table.add({
        fault: "revoke refused, quoting the token",
        expected: "failure reported with the token redacted",
        observed: `"${failed[0]!.message}"`,
      });
    } finally {
      api.on("POST /v2/oauth/token/revoke");
    }
  });

  it("user access tokens (forUser) are watched too, and a front-end call's hooks and errors hold none", async () => {
    const shopper = client(api.url).forUser(`shopper-${randomSecret(6)}`);
    const before = api.tokens.length;
    const settled = await within(2_000, () =>
      shopper.GET("/v2/post_checkout/orders/{order_id}/handling", { params: { path: { order_id: "o-1" } } }),
    );
    expect(settled.value!.response.status).toBe(200);
    expect(api.tokens.length - before).toBe(1);
    const [tokenRequest] = api.requests(TOKEN_ROUTE).slice(-1);
    expect((tokenRequest!.json as { grant_type: string }).grant_type).toBe("fulfillment_user_assertion");
  });

  it("the default deprecation warning (a process warning) is collected by the scan, and holds no secret", async () => {
    const connect = createConnectClient({ server: api.url, clientId: CLIENT_ID, clientSecret: leaks.clientSecret, hooks: leaks.hooks() });
    const before = leaks.captured.length;
    // The collector sees the emitWarning call; --no-deprecation's flag keeps Node from printing it.
    process.noDeprecation = true;
    const settled = await within(2_000, () =>
      connect.GET("/v2/fulfillment/users/{user_id}/orders", { params: { path: { user_id: "u-1" } } }),
    ).finally(() => {
      process.noDeprecation = false;
    });
    expect(settled.value!.response.status).toBe(200);
    const warnings = leaks.captured.slice(before).filter((c) => c.source === "process.emitWarning");
    expect(warnings.map((w) => w.text)).toEqual([
      expect.stringContaining("Instacart Connect: listOrders (GET /v2/fulfillment/users/{user_id}/orders) is deprecated"),
    ]);
  });

  it("onDeprecation infos (spec and Deprecation/Sunset headers) are collected by the scan", async () => {
    const path = `GET /v2/fulfillment/users/deprecated-user/orders`;
    api.on(path, { headers: { deprecation: "true", sunset: "Sat, 01 May 2027 00:00:00 GMT" }, body: { orders: [] } });
    try {
      const before = leaks.captured.length;
      const settled = await within(2_000, () =>
        client(api.url).GET("/v2/fulfillment/users/{user_id}/orders", { params: { path: { user_id: "deprecated-user" } } }),
      );
      expect(settled.value!.response.status).toBe(200);
      const infos = leaks.captured
        .slice(before)
        .filter((c) => c.source === "onDeprecation JSON")
        .map((c) => JSON.parse(c.text) as { source: string });
      expect(infos.map((i) => i.source).sort()).toEqual(["header", "spec"]);
    } finally {
      api.on(path);
    }
  });

  it("util.inspect and JSON of a client that has tokens show neither the secret nor a token", async () => {
    const connect = client(api.url);
    await createUser(connect, `inspect-${randomSecret(6)}`);
    leaks.value("client", connect);
    leaks.value("forUser client", connect.forUser("u-1"));
    const shown = inspect(connect, { depth: Infinity, showHidden: true }) + JSON.stringify(connect);
    expect(shown).toContain("ConnectClient");
    expect(shown).not.toContain(leaks.clientSecret);
  });
});

describe("leak scan", () => {
  it("finds neither the client secret nor any issued token in anything collected", () => {
    expect(leaks.watched).toBeGreaterThan(10);
    expect(leaks.captured.length).toBeGreaterThan(100);
    expect(leaks.scan()).toEqual([]);
  });
});
