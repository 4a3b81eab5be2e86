/**
 * The runtime matrix's smoke suite: the public API used as an application uses it, in whichever
 * runtime loads this file (bundled by esbuild with `--platform=neutral`, so a Node-only import fails
 * the bundle). Only Web APIs here. It returns what it saw, check by check; matrix.test.ts judges that
 * together with what the local Connect server recorded and what the runtime printed.
 */
import { createCallbackHandler, createCallbackTokenHandler, createCallbackTokenVerifier } from "../../src/events/index.ts";
import { toNodeListener } from "../../src/adapters/node.ts";
import { ConnectAbortError, createConnectClient } from "../../src/index.ts";
import { createPostgresEventStore } from "../../src/stores/postgres.ts";
import { createRedisEventStore } from "../../src/stores/redis.ts";

/** What one check saw, or the error that broke it. */
export type Observation = Record<string, unknown>;
export type SmokeResult = Record<string, Observation>;

export const SMOKE_MARK = "RUNTIME_SMOKE_RESULT ";
export const CREDENTIALS = { clientId: "runtime-client", clientSecret: "runtime-secret" };
export const CALLBACK_CLIENT = { clientId: "instacart-callbacks", clientSecret: "callback-secret" };
export const SIGNING_SECRET = "a-signing-secret-shared-by-every-receiver";
/** The docs' example ID: `JSON.parse` would round it to 1201895966044343800. */
export const EVENT_ID = "1201895966044343904";
/** A user ID outside ASCII: the user assertion is base64 of its UTF-8 JSON. */
export const USER_ID = "ü-1";

const ORDER = { path: { user_id: "u-1", order_id: "o-1" } };

async function observe(run: () => Promise<Observation>): Promise<Observation> {
  try {
    return await run();
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : `thrown: ${typeof error}` };
  }
}

/** The API client checks, against the local Connect server at `api`. */
async function clientChecks(api: string): Promise<SmokeResult> {
  const connect = createConnectClient({ server: api, ...CREDENTIALS, maxRetries: 0, timeout: 10_000 });
  const result: SmokeResult = {};
  result.token = await observe(async () => {
    const { data, response } = await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: ORDER });
    return { status: response.status, data };
  });
  result.call = await observe(async () => {
    const { data, error, response } = await connect.GET("/v2/fulfillment/users/{user_id}/link", { params: { path: { user_id: "u-2" } } });
    return { status: response.status, data, error };
  });
  result.cachedToken = await observe(async () => {
    const { response } = await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: ORDER });
    return { status: response.status };
  });
  result.abort = await observe(async () => {
    const controller = new AbortController();
    const call = connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
      params: { path: { user_id: "u-1", order_id: "hang" } },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await call.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    return { abortError: error instanceof ConnectAbortError, name: error instanceof Error ? error.name : typeof error };
  });
  result.deprecated = await observe(async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { response } = await connect.GET("/v2/fulfillment/users/{user_id}/orders", { params: { path: { user_id: "u-1" } } });
      statuses.push(response.status);
    }
    return { statuses };
  });
  result.throwingHooks = await observe(() => throwingHooks(api));
  result.forUser = await observe(async () => {
    const shopper = connect.forUser(USER_ID);
    const { response } = await shopper.GET("/v2/post_checkout/orders/{order_id}", { params: { path: { order_id: "o-1" } } });
    return { status: response.status };
  });
  return result;
}

/** A client whose every hook throws (an Error, a string, an object without a prototype): the calls still succeed. */
async function throwingHooks(api: string): Promise<Observation> {
  const connect = createConnectClient({
    server: api,
    clientId: "hooks-client",
    clientSecret: CREDENTIALS.clientSecret,
    maxRetries: 0,
    hooks: {
      onTokenRefresh: () => {
        throw new Error("onTokenRefresh broke");
      },
      onRequest: () => {
        // biome-ignore lint/style/useThrowOnlyError: a hook may throw anything; the client must survive that too.
        throw "onRequest broke";
      },
      onResponse: () => {
        throw Object.create(null);
      },
    },
  });
  const { response } = await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: ORDER });
  return { status: response.status };
}

const eventBody = (eventId: string): string =>
  `{"event_id":${eventId},"event_name":"fulfillment.brand_new","event_timestamp":"2020-07-07T16:35:22Z","event_metadata":{"order_id":"b7fab7ae-11fc-4453-98e1-a00000000000"}}`;

const delivery = (body: string, token: string): Request =>
  new Request("https://receiver.example/instacart/callbacks", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body,
  });

async function answered(response: Response): Promise<Observation> {
  return { status: response.status, body: await response.json() };
}

/** The receiving side: the callback handler twice, the exact `event_id`, and the callback token endpoint. */
async function receiverChecks(): Promise<SmokeResult> {
  const result: SmokeResult = {};
  const seen: unknown[] = [];
  const handler = createCallbackHandler({ authorize: (token) => token === "cb-token", onEvent: (event) => void seen.push(event.event_id) });
  result.callbackTwice = await observe(async () => {
    const first = await answered(await handler(delivery(eventBody("42"), "cb-token")));
    const second = await answered(await handler(delivery(eventBody("42"), "cb-token")));
    return { first, second, onEventCalls: seen.length };
  });
  result.losslessEventId = await observe(async () => {
    const before = seen.length;
    const { status } = await handler(delivery(eventBody(EVENT_ID), "cb-token"));
    return { status, eventId: seen[before], type: typeof seen[before] };
  });
  result.tokenEndpoint = await observe(tokenEndpointCheck);
  result.stores = await observe(storesCheck);
  return result;
}

/** Instacart's form POST to the token endpoint; the token checked by another "instance" (a verifier of its own). */
async function tokenEndpointCheck(): Promise<Observation> {
  const endpoint = createCallbackTokenHandler({ ...CALLBACK_CLIENT, signingSecret: SIGNING_SECRET });
  const form = (clientSecret: string) =>
    new Request("https://receiver.example/oauth/token", {
      method: "POST",
      body: new URLSearchParams({ client_id: CALLBACK_CLIENT.clientId, client_secret: clientSecret, grant_type: "client_credentials" }),
    });
  const issued = await answered(await endpoint(form(CALLBACK_CLIENT.clientSecret)));
  const token = String((issued.body as { access_token?: unknown }).access_token);
  const verify = createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET });
  // One signature character changed (not the last: its low bits are padding, which decoding ignores).
  const at = token.length - 10;
  const tampered = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
  const callbacks = createCallbackHandler({ authorize: verify, onEvent: () => undefined });
  return {
    issued: { ...issued, body: { ...(issued.body as object), access_token: token.replace(/\..*/, ".…") } },
    tokenShape: /^ict1\.\d+\.[\w-]{22}\.[\w-]{43}$/.test(token),
    accepted: await verify(token),
    tamperedAccepted: await verify(tampered),
    delivered: (await callbacks(delivery(eventBody("7"), token))).status,
    wrongSecret: (await endpoint(form("not-the-secret"))).status,
  };
}

/**
 * Both store entries load and run a delivery through their scripts/statements (clients faked: the
 * drivers are Node's); the node entry loads too (its listener needs Node's http objects to run).
 */
async function storesCheck(): Promise<Observation> {
  const redisCalls: string[] = [];
  const redis = {
    eval: async (_script: string, options: { keys: string[]; arguments: string[] }) => {
      redisCalls.push(options.keys[0] ?? "");
      return redisCalls.length === 1 ? "claimed" : 1;
    },
  };
  const postgres = {
    query: async (_sql: string, params: unknown[] = []) => ({ rows: [params.length === 3 ? { token: params[1] } : { held: 1 }] }),
  };
  const statuses: number[] = [];
  for (const store of [createRedisEventStore(redis), createPostgresEventStore(postgres)]) {
    const handler = createCallbackHandler({ authorize: () => true, onEvent: () => undefined, store });
    statuses.push((await handler(delivery(eventBody("9"), "t"))).status);
  }
  return { statuses, redisKey: redisCalls[0], nodeListener: typeof toNodeListener(() => Promise.resolve(new Response())) };
}

/** Every check, client side then receiver side. */
export async function runSmoke(api: string): Promise<SmokeResult> {
  return { ...(await clientChecks(api)), ...(await receiverChecks()) };
}
