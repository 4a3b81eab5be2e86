/**
 * toNodeListener on a real loopback server, under the requests an unauthenticated stranger can send:
 * malformed request lines, methods, URLs and hosts, a body a parser already read, a sender that
 * drips its body, and a keep-alive client whose body was refused. The process survives each (vitest
 * fails a run on any uncaught exception), each failure reaches onError, and no socket stays open.
 */
import { request as httpRequest, Agent } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createCallbackHandler, createCallbackTokenHandler } from "../../src/index.ts";
import { toNodeListener, type NodeListenerFailure } from "../../src/adapters/node.ts";
import { eventBody } from "../unit/callback-server.ts";
import { listen, rawConnection, type Loopback } from "../support/loopback.ts";

const LINGER_MS = 50;
const servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Receiver extends Loopback {
  failures: [unknown, NodeListenerFailure][];
  handlerErrors: unknown[];
  events: string[];
}

async function receiver(): Promise<Receiver> {
  const failures: [unknown, NodeListenerFailure][] = [];
  const handlerErrors: unknown[] = [];
  const events: string[] = [];
  const handler = createCallbackHandler({
    authorize: (token) => token === "valid-token",
    onEvent: (event) => void events.push(event.event_id),
    onError: (error) => handlerErrors.push(error),
  });
  const server = await listen(
    toNodeListener(handler, { onError: (error, failure) => failures.push([error, failure]), lingerMs: LINGER_MS }),
  );
  servers.push(server);
  return Object.assign(server, { failures, handlerErrors, events });
}

/** Sends raw request bytes; returns the status line and headers, once the server closed the connection. */
async function exchange(port: number, bytes: string): Promise<{ head: string; status: number }> {
  const connection = await rawConnection(port, bytes);
  await connection.closed;
  const head = connection.received().split("\r\n\r\n")[0] ?? "";
  return { head, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0) };
}

describe("toNodeListener: malformed requests are answered, never thrown", () => {
  it.each([
    ["TRACE", "TRACE /callbacks HTTP/1.1\r\nHost: receiver.test\r\n\r\n", 405],
    ["an absolute URL with a broken IPv6 host", "POST http://[/ HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 0\r\n\r\n", 400],
    [
      "an absolute URL with a port beyond 65535",
      "POST http://receiver.test:99999/callbacks HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 0\r\n\r\n",
      400,
    ],
    ["a Host with a port beyond 65535", "POST /callbacks HTTP/1.1\r\nHost: receiver.test:99999\r\nContent-Length: 0\r\n\r\n", 400],
    ["a Host with bad percent-encoding", "POST /callbacks HTTP/1.1\r\nHost: %zz%\r\nContent-Length: 0\r\n\r\n", 400],
    ["an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: receiver.test\r\n\r\n", 400],
  ])("answers %s with %s and Connection: close, and tells onError", async (_, bytes, status) => {
    const server = await receiver();
    const answer = await exchange(server.port, bytes);
    expect(answer.status).toBe(status);
    expect(answer.head).toMatch(/\r\nconnection: close/i);
    expect(server.failures).toEqual([[expect.any(Error), expect.objectContaining({ status })]]);
    await noConnectionsLeft(server);
  });

  it.each([
    ["an unknown method", "TRACK /callbacks HTTP/1.1\r\nHost: receiver.test\r\n\r\n"],
    ["a target that is not a path", "POST callbacks HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 0\r\n\r\n"],
    ["a header without a colon", "POST /callbacks HTTP/1.1\r\nHost: receiver.test\r\nbroken\r\n\r\n"],
    ["two Content-Lengths", "POST /callbacks HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx"],
  ])("survives %s, which Node's parser answers 400 before the listener", async (_, bytes) => {
    const server = await receiver();
    expect((await exchange(server.port, bytes)).status).toBe(400);
    expect(server.failures).toEqual([]);
    await noConnectionsLeft(server);
  });

  it.each([
    ["bad percent-encoding in the path", "/callbacks/%zz%E0%A4%A"],
    ["a path that starts with two slashes (not a host)", "//evil.test/callbacks"],
  ])("passes %s to the handler as a path (401 without a token)", async (_, target) => {
    const server = await receiver();
    const answer = await exchange(
      server.port,
      `POST ${target} HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.status).toBe(401);
    expect(server.failures).toEqual([]);
  });

  it("answers 500 and tells onError when the handler throws or returns no Response", async () => {
    const failures: unknown[] = [];
    const throwing = await listen(toNodeListener(() => Promise.reject(new Error("boom")), { onError: (error) => failures.push(error) }));
    const wrong = await listen(toNodeListener((() => "nope") as unknown as () => Response, { onError: (error) => failures.push(error) }));
    servers.push(throwing, wrong);
    expect((await fetch(throwing.origin, { method: "POST", body: "x" })).status).toBe(500);
    expect((await fetch(wrong.origin)).status).toBe(500);
    expect(failures.map(String)).toEqual(["Error: boom", expect.stringMatching(/returned string, not a Response/)]);
  });
});

describe("toNodeListener: no unauthenticated sender holds a socket", () => {
  it("closes the connection of a sender that drips its body after the 401, before it is done dripping", async () => {
    const server = await receiver();
    const connection = await rawConnection(
      server.port,
      "POST /callbacks HTTP/1.1\r\nHost: receiver.test\r\nContent-Length: 100000\r\n\r\n{",
    );
    let dripped = 0;
    let closed = false;
    void connection.closed.then(() => (closed = true));
    await connection.waitFor("\r\n\r\n");
    expect(connection.received()).toMatch(/^HTTP\/1\.1 401 .*\r\nconnection: close/is);
    // Keep dripping one byte at a time: the server must close anyway.
    while (!closed && dripped < 2_000) {
      connection.socket.write("x");
      dripped++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await connection.closed;
    expect(dripped).toBeLessThan(2_000);
    await noConnectionsLeft(server);
  });

  it("answers a body over the limit 413 and serves the next request of the keep-alive client on a fresh connection", async () => {
    const server = await receiver();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await post(agent, server.port, "x".repeat(1024 * 1024 + 1), { chunked: true });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe("close");
      const next = await post(agent, server.port, eventBody("7", "fulfillment.brand_new"));
      expect([next.status, next.body]).toEqual([200, { status: "processed", event_id: "7" }]);
      const declared = await post(agent, server.port, "x".repeat(2 * 1024 * 1024));
      expect(declared.status).toBe(413);
      const after = await post(agent, server.port, eventBody("8", "fulfillment.brand_new"));
      expect(after.status).toBe(200);
      expect(server.events).toEqual(["7", "8"]);
    } finally {
      agent.destroy();
    }
  });
});

describe("toNodeListener with Express", () => {
  it("explains a body express.json() already parsed: onError hears to mount before it or use express.raw()", async () => {
    const handlerErrors: unknown[] = [];
    const app = express();
    app.use(express.json(), express.urlencoded());
    app.post(
      "/callbacks",
      toNodeListener(
        createCallbackHandler({ authorize: () => true, onEvent: () => undefined, onError: (error) => handlerErrors.push(error) }),
      ),
    );
    app.post(
      "/oauth/token",
      toNodeListener(
        createCallbackTokenHandler({
          clientId: "id",
          clientSecret: "secret",
          issueToken: () => ({ accessToken: "t", expiresIn: 60 }),
          onError: (error) => handlerErrors.push(error),
        }),
      ),
    );
    const server = await listen(app);
    servers.push(server);
    const callback = await fetch(`${server.origin}/callbacks`, {
      method: "POST",
      headers: { authorization: "Bearer t", "content-type": "application/json" },
      body: eventBody("1", "fulfillment.brand_new"),
    });
    const token = await fetch(`${server.origin}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: "id", client_secret: "secret", grant_type: "client_credentials" }),
    });
    expect([callback.status, token.status]).toEqual([500, 500]);
    expect(handlerErrors).toHaveLength(2);
    for (const error of handlerErrors)
      expect(String(error)).toMatch(/already parsed into req\.body \(object\).*express\.json\(\).*before body parsers.*express\.raw\(\)/);
  });

  it("reads a body express.raw() kept as bytes, and serves a handler mounted before the parsers", async () => {
    const events: string[] = [];
    const callbacks = toNodeListener(
      createCallbackHandler({ authorize: () => true, onEvent: (event) => void events.push(event.event_id) }),
    );
    const app = express();
    app.post("/first", callbacks);
    app.post("/raw", express.raw({ type: "*/*" }), callbacks);
    app.use(express.json());
    const server = await listen(app);
    servers.push(server);
    for (const [path, id] of [
      ["/first", "1"],
      ["/raw", "2"],
    ] as const) {
      const response = await fetch(`${server.origin}${path}`, {
        method: "POST",
        headers: { authorization: "Bearer t", "content-type": "application/json" },
        body: eventBody(id, "fulfillment.brand_new"),
      });
      expect(response.status).toBe(200);
    }
    expect(events).toEqual(["1", "2"]);
  });
});

/** Waits until the server closed every connection it accepted (the test's timeout bounds the wait). */
async function noConnectionsLeft(server: Loopback): Promise<void> {
  await server.allClosed();
  expect(await server.connections()).toBe(0);
}

/** A POST through `agent` (node:http), with a bearer token; `chunked` sends no Content-Length. */
function post(agent: Agent, port: number, body: string, options: { chunked?: boolean } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: unknown }>((resolve, reject) => {
    const request = httpRequest(
      { agent, host: "127.0.0.1", port, path: "/callbacks", method: "POST", headers: { authorization: "Bearer valid-token" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    request.on("error", reject);
    if (!options.chunked) request.setHeader("content-length", new TextEncoder().encode(body).byteLength);
    for (let offset = 0; offset < body.length; offset += 64 * 1024) request.write(body.slice(offset, offset + 64 * 1024));
    request.end();
  });
}
