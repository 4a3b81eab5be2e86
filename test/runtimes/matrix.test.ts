/**
 * The runtime matrix: each runtime runs the smoke suite (smoke.ts) against its own local Connect
 * server; each check below judges what the runtime reported, what the server recorded and what the
 * runtime printed (warnings go to `process.emitWarning` where there is one, else `console.warn`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.ts";
import { startFakeConnect, type FakeConnect } from "../support/fake-connect.ts";
import { matrix, type Runtime, type SmokeRun } from "./runtimes.ts";
import { CREDENTIALS, EVENT_ID, type Observation, USER_ID } from "./smoke.ts";

const ORDER_ROUTE = "GET /v2/fulfillment/users/u-1/orders/o-1";
const ORDER = { id: 5001, status: "delivered", total: "12.30" };
const LINK = { linked: true, user_id: "u-2" };

/** Pass or fail per runtime and check, printed as a table at the end. */
const outcomes = new Map<string, Map<string, boolean>>();

/** How many times `text` occurs in `output`. */
const count = (output: string, text: string): number => output.split(text).length - 1;

function checksOf(runtime: Runtime, context: () => { run: SmokeRun; fake: FakeConnect }) {
  const row = new Map<string, boolean>();
  outcomes.set(runtime.name, row);
  /** An `it` that records its outcome under `check`; `observed` is what the smoke suite saw for it. */
  const check = (name: string, key: string, judge: (observed: Observation, run: SmokeRun, fake: FakeConnect) => void) => {
    row.set(key, false);
    it(name, () => {
      const { run, fake } = context();
      expect(run.result, `no result from the runtime:\n${run.output}`).toBeDefined();
      const observed = run.result?.[key] ?? {};
      expect(observed.error, run.output).toBeUndefined();
      judge(observed, run, fake);
      row.set(key, true);
    });
  };

  check("gets a client-credentials token (credentials in a JSON body)", "token", (observed, _run, fake) => {
    expect(observed.status).toBe(200);
    const [first] = fake.tokenRequests;
    expect(first?.json).toEqual({ ...wire(CREDENTIALS), grant_type: "client_credentials", scope: "connect:fulfillment" });
    expect(fake.calls(ORDER_ROUTE)[0]?.headers.authorization).toBe("Bearer tok-1");
  });
  check("calls an operation and reads its JSON answer, naming the runtime in its User-Agent", "call", (observed, _run, fake) => {
    expect(observed).toEqual({ status: 200, data: LINK });
    const userAgent = fake.calls("GET /v2/fulfillment/users/u-2/link")[0]?.headers["user-agent"];
    // Without a `process` the client sets none, and the runtime's fetch may send its own.
    if (runtime.userAgent) expect(userAgent).toBe(`instacart-connect/${VERSION} ${runtime.userAgent}`);
    else expect(userAgent ?? "").not.toMatch(/^instacart-connect\//);
  });
  check("reuses the cached token for the next calls", "cachedToken", (observed, _run, fake) => {
    expect(observed.status).toBe(200);
    const own = fake.tokenRequests.filter((request) => (request.json as { client_id?: string }).client_id === CREDENTIALS.clientId);
    expect(own.filter((request) => (request.json as { grant_type?: string }).grant_type === "client_credentials")).toHaveLength(1);
    const calls = [...fake.calls(ORDER_ROUTE).slice(0, 2), ...fake.calls("GET /v2/fulfillment/users/u-2/link")];
    expect(calls.map((request) => request.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1", "Bearer tok-1"]);
  });
  check("aborts a call in flight with ConnectAbortError", "abort", (observed) => {
    expect(observed).toEqual({ abortError: true, name: "ConnectAbortError" });
  });
  check("warns once, with the default handler, about a deprecated operation called twice", "deprecated", (observed, run) => {
    expect(observed.statuses).toEqual([200, 200]);
    expect(count(run.output, "[INSTACART_CONNECT_DEPRECATED]"), run.output).toBe(1);
    expect(run.output).toMatch(/DeprecationWarning.*listOrders \(GET \/v2\/fulfillment\/users\/\{user_id\}\/orders\) is deprecated/);
  });
  check("completes a call whose hooks all throw, and warns about each hook", "throwingHooks", (observed, run) => {
    expect(observed.status).toBe(200);
    expect(run.output).toContain("the onTokenRefresh hook threw: onTokenRefresh broke");
    expect(run.output).toContain("the onRequest hook threw: onRequest broke");
    expect(run.output).toContain("the onResponse hook threw: a value that cannot be converted to a string (object)");
  });
  check("sends forUser's calls with a user token (assertion: base64 of UTF-8 JSON)", "forUser", (observed, _run, fake) => {
    expect(observed.status).toBe(200);
    const index = fake.tokenRequests.findIndex(
      (request) => (request.json as { grant_type?: string }).grant_type === "fulfillment_user_assertion",
    );
    const user = fake.tokenRequests[index]?.json as { assertion?: string; scope?: string };
    expect(user.scope).toBe("connect:post_checkout");
    expect(JSON.parse(Buffer.from(String(user.assertion), "base64").toString("utf8"))).toEqual({ user_id: USER_ID });
    const [call] = fake.calls("GET /v2/post_checkout/orders/o-1");
    expect(call?.headers.authorization).toBe(`Bearer ${fake.issued[index]}`);
  });
  check("answers the same callback twice: processed, then duplicate", "callbackTwice", (observed) => {
    expect(observed).toEqual({
      first: { status: 200, body: { status: "processed", event_id: "42" } },
      second: { status: 200, body: { status: "duplicate", event_id: "42" } },
      onEventCalls: 1,
    });
  });
  check("keeps a 64-bit event_id exact", "losslessEventId", (observed) => {
    expect(observed).toEqual({ status: 200, eventId: EVENT_ID, type: "string" });
  });
  check("issues signed callback tokens that another instance accepts", "tokenEndpoint", (observed) => {
    expect(observed).toEqual({
      issued: { status: 200, body: { access_token: "ict1.…", token_type: "Bearer", expires_in: 3600 } },
      tokenShape: true,
      accepted: true,
      tamperedAccepted: false,
      delivered: 200,
      wrongSecret: 401,
    });
  });
  check("loads the store and node entries, and runs a delivery through the Redis and PostgreSQL stores", "stores", (observed) => {
    expect(observed).toEqual({ statuses: [200, 200], redisKey: "instacart-connect:event:9", nodeListener: "function" });
  });
  if (!runtime.nodeHttp) return;
  check("serves the callback handler on node:http with toNodeListener (TRACE 405, early 401 closed)", "nodeAdapter", (observed) => {
    expect(observed).toEqual({
      delivered: ["HTTP/1.1 200 OK", true],
      duplicate: ["HTTP/1.1 200 OK", true],
      trace: "HTTP/1.1 405 Method Not Allowed",
      early401: ["HTTP/1.1 401 Unauthorized", "close"],
      closedSoon: true,
    });
  });
}

/** The credentials as the token request carries them. */
const wire = (credentials: typeof CREDENTIALS) => ({ client_id: credentials.clientId, client_secret: credentials.clientSecret });

for (const runtime of matrix()) {
  describe(runtime.name, () => {
    let fake: FakeConnect;
    let run: SmokeRun;
    let dir: string;
    beforeAll(async () => {
      fake = await startFakeConnect();
      fake.on(ORDER_ROUTE, { body: ORDER });
      fake.on("GET /v2/fulfillment/users/u-2/link", { body: LINK });
      fake.on("GET /v2/fulfillment/users/u-1/orders/hang", { hang: true });
      dir = await mkdtemp(join(tmpdir(), "instacart-runtime-"));
      run = await runtime.smoke(fake.url, dir);
    });
    afterAll(async () => {
      await fake?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    checksOf(runtime, () => ({ run, fake }));
  });
}

afterAll(() => {
  const checks = [...new Set([...outcomes.values()].flatMap((row) => [...row.keys()]))];
  const width = Math.max(...[...outcomes.keys()].map((name) => name.length));
  const lines = [...outcomes].map(
    ([name, row]) =>
      `${name.padEnd(width)}  ${checks.map((key) => (row.has(key) ? (row.get(key) ? "pass" : "FAIL") : "-").padEnd(key.length)).join("  ")}`,
  );
  console.log(["runtime matrix:", `${"".padEnd(width)}  ${checks.join("  ")}`, ...lines].join("\n"));
});
