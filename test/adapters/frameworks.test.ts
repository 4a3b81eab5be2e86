/**
 * The mounting examples of docs/callbacks-and-stores.md, run in Node against the real frameworks: Fastify (toNodeListener
 * in an onRequest hook, before Fastify parses the body), Hono on @hono/node-server (the Fetch handler
 * as is), and a Next.js App Router route handler (called with Next's own NextRequest). Express is in
 * node-attacks.test.ts. Each serves the token endpoint and the callback URL.
 */
import { serve as serveHono } from "@hono/node-server";
import Fastify from "fastify";
import { Hono } from "hono";
import { NextRequest } from "next/server.js";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { toNodeListener } from "../../src/adapters/node.ts";
import {
  type CallbackEvent,
  createCallbackHandler,
  createCallbackTokenHandler,
  createCallbackTokenVerifier,
} from "../../src/events/index.ts";
import { deliver, eventBody, requestCallbackToken } from "../unit/callback-server.ts";

const SIGNING_SECRET = "framework-tests-signing-secret-32-bytes";
const FORM = { client_id: "instacart", client_secret: "secret", grant_type: "client_credentials" };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function receiver() {
  const events: CallbackEvent[] = [];
  const tokenEndpoint = createCallbackTokenHandler({ clientId: "instacart", clientSecret: "secret", signingSecret: SIGNING_SECRET });
  const callbacks = createCallbackHandler({
    authorize: createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET }),
    onEvent: (event) => void events.push(event),
  });
  return { events, tokenEndpoint, callbacks };
}

/** Instacart against `origin`: a token, an event, the same event again, and a post with a forged token. */
async function exchange(origin: string): Promise<number[]> {
  const { status, accessToken } = await requestCallbackToken(origin);
  const statuses = [status];
  for (const token of [accessToken, accessToken, "forged"]) {
    statuses.push((await deliver(origin, eventBody("1201895966044343904", "fulfillment.brand_new"), token)).status);
  }
  return statuses;
}

describe("mounting the handlers", () => {
  it("on Fastify, through toNodeListener in an onRequest hook", async () => {
    const { events, tokenEndpoint, callbacks } = receiver();
    const app = Fastify();
    for (const [url, handler] of [
      ["/oauth/token", tokenEndpoint],
      ["/instacart/callbacks", callbacks],
    ] as const) {
      const listener = toNodeListener(handler);
      app.route({
        method: "POST",
        url,
        // Before Fastify reads the body: the handler reads it, with its own size limit.
        onRequest: (request, reply) => {
          reply.hijack();
          listener(request.raw, reply.raw);
        },
        handler: async () => undefined,
      });
    }
    await app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    expect(await exchange(`http://127.0.0.1:${port}`)).toEqual([200, 200, 200, 401]);
    expect(events.map((event) => event.event_id)).toEqual(["1201895966044343904"]);
  });

  it("on Hono (@hono/node-server), passing c.req.raw to the Fetch handlers", async () => {
    const { events, tokenEndpoint, callbacks } = receiver();
    const app = new Hono();
    app.post("/oauth/token", (c) => tokenEndpoint(c.req.raw));
    app.post("/instacart/callbacks", (c) => callbacks(c.req.raw));
    const server = await new Promise<ReturnType<typeof serveHono>>((resolve) => {
      const started = serveHono({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
    });
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    expect(await exchange(`http://127.0.0.1:${port}`)).toEqual([200, 200, 200, 401]);
    expect(events).toHaveLength(1);
  });

  it("as Next.js App Router route handlers (export const POST), called with NextRequest", async () => {
    const { events, tokenEndpoint, callbacks } = receiver();
    // app/oauth/token/route.ts and app/instacart/callbacks/route.ts:
    const routes = { "/oauth/token": { POST: tokenEndpoint }, "/instacart/callbacks": { POST: callbacks } };
    const call = (path: keyof typeof routes, init: { method: string; headers?: Record<string, string>; body: string | URLSearchParams }) =>
      routes[path].POST(new NextRequest(`https://retailer.test${path}`, init));
    const token = await call("/oauth/token", { method: "POST", body: new URLSearchParams(FORM) });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const post = (bearer: string) =>
      call("/instacart/callbacks", {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}` },
        body: eventBody("7", "fulfillment.brand_new"),
      });
    expect([(await post(access_token)).status, (await post(access_token)).status, (await post("forged")).status]).toEqual([200, 200, 401]);
    expect(events).toHaveLength(1);
  });
});
