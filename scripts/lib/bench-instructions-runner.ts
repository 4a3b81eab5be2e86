/**
 * One measured process of `scripts/bench-instructions.ts` (run under callgrind; bundled to plain
 * JavaScript first, so that no loader runs inside the count). Makes `warm` calls, then `calls` more,
 * of one variant and method, with `fetch` answered in memory (`memory`: the client's own work alone)
 * or by the benchmark's server in another process (`loopback`: the client and Node's fetch).
 *
 *   node runner.mjs <package.mjs> <variant> <GET|POST> <warm> <calls> <memory|loopback> [server url]
 */
import createClient from "openapi-fetch";
import type { paths } from "../../generated/schema.ts";
import { fetchBenchToken } from "./bench-token.ts";

type Variant = "fetch+timeout" | "openapi-fetch" | "instacart-connect";
const [entry, variant, method, warmText, callsText, mode, serverUrl] = process.argv.slice(2) as [
  string,
  Variant,
  "GET" | "POST",
  string,
  string,
  "memory" | "loopback",
  string | undefined,
];
const GET_PATH = "/v2/fulfillment/users/{user_id}/orders/{order_id}";
const POST_PATH = "/v2/fulfillment/users";
const USER_ID = "johnsmith6000";
const ORDER_ID = "order-20261127-0001";
const fixtures = JSON.parse(process.env.BENCH_FIXTURES ?? "{}") as { order: { id: string }; user: { user_id: string }; userBody: object };
const url = mode === "memory" ? "http://127.0.0.1:9" : (serverUrl as string);
/** The baseline's token: issued by the server in loopback mode (it accepts only its own). */
async function bareToken(): Promise<string> {
  return mode === "memory" ? "bench-token-0123456789" : fetchBenchToken(url);
}

if (mode === "memory") {
  const encoder = new TextEncoder();
  const bodies = {
    token: encoder.encode(JSON.stringify({ access_token: "bench-token-0123456789", token_type: "Bearer", expires_in: 86_400 })),
    order: encoder.encode(JSON.stringify(fixtures.order)),
    user: encoder.encode(JSON.stringify(fixtures.user)),
  };
  // What a server answers, built the same way for every variant; nothing of the request is read.
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const verb = init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
    const body = href.endsWith("/oauth/token") ? bodies.token : verb === "GET" ? bodies.order : bodies.user;
    return new Response(body, { status: 200, headers: { "content-type": "application/json", "content-length": String(body.length) } });
  };
}

/** The floor: raw fetch with what the client guarantees per attempt (a timeout signal, no redirects, the body read in the timeout). */
function floorCall(token: string): () => Promise<unknown> {
  const decoder = new TextDecoder();
  const headers: Record<string, string> = { Accept: "application/json", Authorization: `Bearer ${token}` };
  if (method === "POST") headers["Content-Type"] = "application/json";
  const target = method === "GET" ? `${url}/v2/fulfillment/users/${USER_ID}/orders/${ORDER_ID}` : `${url}${POST_PATH}`;
  return async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 60_000);
    try {
      const init: RequestInit = { method, headers, signal: controller.signal, redirect: "manual" };
      if (method === "POST") init.body = JSON.stringify(fixtures.userBody);
      const response = await fetch(target, init);
      return { data: JSON.parse(decoder.decode(await response.arrayBuffer())) };
    } finally {
      clearTimeout(timer);
    }
  };
}

async function makeCall(): Promise<() => Promise<unknown>> {
  const params = { path: { user_id: USER_ID, order_id: ORDER_ID } };
  if (variant === "fetch+timeout") return floorCall(await bareToken());
  if (variant === "openapi-fetch") {
    const bare = createClient<paths>({
      baseUrl: url,
      headers: { Accept: "application/json", Authorization: `Bearer ${await bareToken()}` },
    });
    return method === "GET" ? () => bare.GET(GET_PATH, { params }) : () => bare.POST(POST_PATH, { body: fixtures.userBody as never });
  }
  const { createConnectClient } = (await import(entry)) as typeof import("../../src/index.ts");
  const connect = createConnectClient({ server: url, clientId: "bench", clientSecret: "bench-secret" });
  return method === "GET" ? () => connect.GET(GET_PATH, { params }) : () => connect.POST(POST_PATH, { body: fixtures.userBody as never });
}

const call = await makeCall();
const check = method === "GET" ? fixtures.order.id : fixtures.user.user_id;
const run = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const { data } = (await call()) as { data?: { id?: string; user_id?: string } };
    if ((data?.id ?? data?.user_id) !== check) throw new Error(`${variant} ${method}: unexpected body ${JSON.stringify(data)}`);
  }
};
await run(Number(warmText));
await run(Number(callsText));
