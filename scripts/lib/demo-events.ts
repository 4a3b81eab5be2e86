/**
 * The event-callback part of `npm start`: a retailer's receiver (token endpoint + callback URL) on
 * `node:http` at 127.0.0.1, and Instacart simulated against it: it gets a token with a
 * client-credentials form POST, posts the docs' Brand new example with that bearer token, then
 * posts it again (a duplicate).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createCallbackHandler,
  createCallbackTokenHandler,
  isKnownCallbackEvent,
  type CallbackEvent,
} from "../../src/index.ts";
import { toNodeListener } from "../../src/adapters/node.ts";

/** The docs' Brand new example, as raw JSON text (its `order_id` is cut in the docs: zero-filled here). */
const BRAND_NEW_EXAMPLE = `{
  "event_id": 1201895966044343904,
  "event_name": "fulfillment.brand_new",
  "event_timestamp": "2020-07-07T16:35:22Z",
  "event_metadata": { "order_id": "b7fab7ae-11fc-4453-98e1-a00000000000" }
}`;

const CLIENT_ID = "instacart-callbacks-demo";
const CLIENT_SECRET = randomUUID();

export async function runCallbackDemo(print: (line: string) => void): Promise<void> {
  // --- the retailer's side ---
  const issued = new Map<string, number>(); // token → expiry (ms)
  const tokenEndpoint = createCallbackTokenHandler({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    issueToken() {
      const accessToken = randomUUID();
      issued.set(accessToken, Date.now() + 3600_000);
      return { accessToken, expiresIn: 3600 };
    },
  });
  const handled: CallbackEvent[] = [];
  const callbacks = createCallbackHandler({
    authorize: (token) => (issued.get(token) ?? 0) > Date.now(),
    onEvent(event) {
      handled.push(event);
      const order = isKnownCallbackEvent(event) && event.event_name === "fulfillment.brand_new" ? ` for order ${event.event_metadata.order_id}` : "";
      print(`      receiver: ${event.event_name}${order}, event_id ${JSON.stringify(event.event_id)} (a string, exact)`);
    },
  });
  const server = createServer(
    toNodeListener((request) => (new URL(request.url).pathname === "/oauth/token" ? tokenEndpoint(request) : callbacks(request))),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    print(`event callbacks  retailer receiver on ${origin} (node:http): /oauth/token and /instacart/callbacks`);

    // --- Instacart's side ---
    const tokenResponse = await fetch(`${origin}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: "client_credentials" }),
    });
    const token = (await tokenResponse.json()) as { access_token: string; token_type: string; expires_in: number };
    if (tokenResponse.status !== 200) throw new Error(`token request failed: ${tokenResponse.status}`);
    print(`  a. token       POST /oauth/token (form, grant_type=client_credentials) → ${tokenResponse.status}`);
    print(`      ${token.token_type} token for Instacart, expires in ${token.expires_in} s`);

    const post = async (): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${origin}/instacart/callbacks`, {
        method: "POST",
        headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
        body: BRAND_NEW_EXAMPLE,
      });
      return { status: response.status, body: await response.json() };
    };

    const first = await post();
    print(`  b. callback    POST /instacart/callbacks fulfillment.brand_new (the docs' example) → ${first.status} ${JSON.stringify(first.body)}`);
    print(`      JSON.parse would have read event_id as ${JSON.stringify(JSON.parse(BRAND_NEW_EXAMPLE).event_id)}`);
    if (first.status !== 200 || handled.length !== 1 || handled[0]?.event_id !== "1201895966044343904") {
      throw new Error("the callback was not received and parsed exactly");
    }

    const second = await post();
    print(`  c. duplicate   the same event again → ${second.status} ${JSON.stringify(second.body)}, handler not called again (${handled.length} call)`);
    if (second.status !== 200 || handled.length !== 1) throw new Error("the duplicate was not acknowledged once");
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    print("event callbacks  receiver stopped");
  }
}
