/**
 * The per-call fast path: no stream-backed `Request` per call (openapi-fetch builds a CallRequest,
 * the transport hands fetch a URL and an init), and a response body read once, inside the attempt,
 * and served from that buffer. `npm run bench` measured what each saves; these tests keep the
 * behaviour the same on the fast path and on the middleware path.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import type { ConnectClientOptions } from "../../src/index.ts";
import { bufferedResponse } from "../../src/transport/fast-path.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const setup = fakeConnectPerTest();
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const USERS = "POST /v2/fulfillment/users";
const client = (extra: Partial<ConnectClientOptions> = {}) => setup.client(extra);
const body = { user_id: "u-1", first_name: "Ada" };

describe("requests", () => {
  it("makes no Request object per call without middleware: fetch gets the URL and an init", async () => {
    const RealRequest = globalThis.Request;
    let constructed = 0;
    vi.stubGlobal(
      "Request",
      class extends RealRequest {
        constructor(...args: ConstructorParameters<typeof Request>) {
          super(...args);
          constructed += 1;
        }
      },
    );
    const realFetch = globalThis.fetch;
    const inputs: unknown[] = [];
    vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
      inputs.push(input);
      return realFetch(input, init);
    });
    const { data } = await client().POST("/v2/fulfillment/users", { body });
    expect(data).toEqual({ ok: true });
    expect(constructed).toBe(0);
    expect(inputs).toEqual([`${setup.fake.url}/v2/oauth/token`, `${setup.fake.url}/v2/fulfillment/users`]);
    expect(setup.fake.calls(USERS)[0]!.json).toEqual(body);
    expect(setup.fake.calls(USERS)[0]!.headers["content-type"]).toBe("application/json");
  });

  it("gives middleware, registered or per call, a real Request", async () => {
    const seen: unknown[] = [];
    const middleware = {
      onRequest({ request }: { request: Request }) {
        seen.push(request instanceof Request && request.clone().method);
        return undefined;
      },
    };
    const perCall = client();
    await perCall.POST("/v2/fulfillment/users", { body, middleware: [middleware] } as never);
    const registered = client();
    registered.use(middleware);
    await registered.POST("/v2/fulfillment/users", { body });
    registered.eject(middleware);
    await registered.POST("/v2/fulfillment/users", { body });
    expect(seen).toEqual(["POST", "POST"]);
    expect(setup.fake.calls(USERS).map((c) => c.json)).toEqual([body, body, body]);
  });

  it("re-sends the same body on a retry, with or without middleware", async () => {
    for (const withMiddleware of [false, true]) {
      const connect = client();
      if (withMiddleware) connect.use({ onRequest: ({ request }) => request });
      setup.fake.on(USERS, { status: 429, body: {} }, { body: { user_id: "u-1" } });
      const { response } = await connect.POST("/v2/fulfillment/users", { body });
      expect(response.status).toBe(200);
    }
    const sent = setup.fake.calls(USERS);
    expect(sent).toHaveLength(4);
    expect(sent.map((c) => c.json)).toEqual([body, body, body, body]);
  });

  it("reads a streamed body once and sends the same bytes on every attempt", async () => {
    setup.fake.on(USERS, { status: 503, body: {} }, { body: { user_id: "u-1" } });
    const { response } = await client().POST("/v2/fulfillment/users", {
      body,
      bodySerializer: (value: unknown) => new Blob([JSON.stringify(value)]).stream(),
      idempotent: true,
    } as never);
    expect(response.status).toBe(200);
    expect(setup.fake.calls(USERS).map((c) => c.json)).toEqual([body, body]);
  });

  it("refuses a GET with a body as a Request would, with or without middleware", async () => {
    for (const withMiddleware of [false, true]) {
      const connect = client();
      if (withMiddleware) connect.use({ onRequest: ({ request }) => request });
      const call = connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
        params: { path: { user_id: "u", order_id: "o" } },
        body: { x: 1 },
      } as never);
      await expect(call).rejects.toThrow(TypeError);
    }
    expect(setup.fake.requests).toHaveLength(0);
  });
});

describe("responses", () => {
  it("parses the body from the buffer read inside the attempt, not through a second stream", async () => {
    setup.fake.on(USERS, { body: { user_id: "u-1", first_name: "Ada" } });
    const json = vi.spyOn(Response.prototype, "json");
    const text = vi.spyOn(Response.prototype, "text");
    const { data, response } = await client().POST("/v2/fulfillment/users", { body });
    expect(data).toEqual({ user_id: "u-1", first_name: "Ada" });
    expect(json).not.toHaveBeenCalled();
    expect(text).not.toHaveBeenCalled();
    expect(response).toBeInstanceOf(Response);
    expect(response.url).toBe(`${setup.fake.url}/v2/fulfillment/users`);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.bodyUsed).toBe(true);
  });

  it('gives parseAs: "stream" and "text" the same bytes', async () => {
    setup.fake.on(USERS, { raw: "plain text", headers: { "content-type": "text/plain" } });
    const connect = client();
    const { data: text } = await connect.POST("/v2/fulfillment/users", { body, parseAs: "text" });
    expect(text).toBe("plain text");
    const { data: stream } = await connect.POST("/v2/fulfillment/users", { body, parseAs: "stream" });
    expect(await new Response(stream as ReadableStream).text()).toBe("plain text");
  });
});

describe("bufferedResponse", () => {
  const bytes = (text: string): ArrayBuffer => {
    const view = new TextEncoder().encode(text);
    return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
  };
  const make = (text = '{"a":1}', url = "https://connect.example.test/v2/x") =>
    bufferedResponse(bytes(text), { status: 201, statusText: "Created", headers: { "content-type": "application/json" } }, url);

  it("is a Response with the status, headers and URL it was given", () => {
    const response = make();
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok, response.url]).toEqual([
      201,
      "Created",
      true,
      "https://connect.example.test/v2/x",
    ]);
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  it("reads like a Response: json, text (without a BOM), arrayBuffer, bytes, blob, body", async () => {
    expect(await make().json()).toEqual({ a: 1 });
    expect(await make("\uFEFFhello").text()).toBe("hello");
    expect(new TextDecoder().decode(await make("abc").arrayBuffer())).toBe("abc");
    expect(Array.from(await (make("ab") as Response & { bytes(): Promise<Uint8Array> }).bytes())).toEqual([97, 98]);
    const blob = await make().blob();
    expect([await blob.text(), blob.type]).toEqual(['{"a":1}', "application/json"]);
    expect(await new Response(make("streamed").body).text()).toBe("streamed");
  });

  it("can be read once: a second read rejects and bodyUsed turns true, whichever way it was read", async () => {
    const first = make();
    expect(first.bodyUsed).toBe(false);
    await first.json();
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    await expect(first.blob()).rejects.toThrow(TypeError);

    const streamed = make();
    await new Response(streamed.body).text();
    expect(streamed.bodyUsed).toBe(true);
    await expect(streamed.json()).rejects.toThrow(TypeError);
  });

  it("clones before a read into an independent copy, and refuses after", async () => {
    const response = make();
    const copy = response.clone();
    expect(await response.json()).toEqual({ a: 1 });
    expect(await copy.json()).toEqual({ a: 1 });
    expect(copy.url).toBe(response.url);
    expect(() => response.clone()).toThrow(TypeError);
  });
});

describe("start-up", () => {
  it("importing the package does not load Node's fetch implementation (it costs about 30 ms)", () => {
    const script = `await import(${JSON.stringify(join(root, "src", "index.ts"))}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("undici"))));`;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout.trim().split("\n").at(-1)!)).toEqual([]);
  });
});
