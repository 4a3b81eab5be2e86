/**
 * Shared pieces of the simulator tests: a retailer's receiver built only from the package's public
 * helpers (token endpoint, callback handler with its memory event store, `toNodeListener`), reachable
 * in-process or over node:http on 127.0.0.1, and a client wired to a simulator either way.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createCallbackHandler,
  createCallbackTokenHandler,
  createConnectClient,
  type CallbackEvent,
  type ConnectClient,
  type RequestBody,
  type ResponseData,
  unwrap,
} from "../../src/index.ts";
import { toNodeListener } from "../../src/adapters/node.ts";
import { afterEach } from "vitest";
import type { CallbackOptions, Simulator } from "../../src/simulator/index.ts";

export type Transport = "in-process" | "http";

export interface Receiver {
  /** Events the retailer's handler processed (each `event_id` once), in arrival order. */
  readonly processed: CallbackEvent[];
  /** How many POSTs reached the callback URL (duplicates and retries included). */
  posts(): number;
  /** How many token requests the token endpoint answered with a token. */
  tokensIssued(): number;
  /** What to give `createSimulator({ callbacks })`. */
  readonly callbacks: CallbackOptions;
  /** Makes the callback URL answer `status` to the next `times` POSTs (before the real handler). */
  failNext(times: number, status?: number): void;
  close(): Promise<void>;
}

/** The retailer's side, as docs/callbacks-and-stores.md shows it: token endpoint + callback handler (+ its default memory store). */
export async function startReceiver(transport: Transport, extra: Partial<CallbackOptions> = {}): Promise<Receiver> {
  const clientId = "instacart";
  const clientSecret = randomUUID();
  const issued = new Set<string>();
  const processed: CallbackEvent[] = [];
  let posts = 0;
  let failures: { times: number; status: number } = { times: 0, status: 500 };
  const tokenEndpoint = createCallbackTokenHandler({
    clientId,
    clientSecret,
    issueToken() {
      const accessToken = randomUUID();
      issued.add(accessToken);
      return { accessToken, expiresIn: 3600 };
    },
  });
  const callbacks = createCallbackHandler({ authorize: (token) => issued.has(token), onEvent: (event) => void processed.push(event) });
  const route = async (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname === "/oauth/token") return tokenEndpoint(request);
    posts += 1;
    if (failures.times > 0) {
      failures.times -= 1;
      return new Response(JSON.stringify({ error: "down for a moment" }), { status: failures.status });
    }
    return callbacks(request);
  };
  const common = {
    processed,
    posts: () => posts,
    tokensIssued: () => issued.size,
    failNext(times: number, status = 500) {
      failures = { times, status };
    },
  };
  if (transport === "in-process") {
    const origin = "http://retailer.test";
    const options: CallbackOptions = {
      url: `${origin}/instacart/callbacks`,
      tokenUrl: `${origin}/oauth/token`,
      clientId,
      clientSecret,
      fetch: route,
      ...extra,
    };
    return { ...common, callbacks: options, close: async () => undefined };
  }
  const server = createServer(toNodeListener(route));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options: CallbackOptions = {
    url: `${origin}/instacart/callbacks`,
    tokenUrl: `${origin}/oauth/token`,
    clientId,
    clientSecret,
    ...extra,
  };
  return {
    ...common,
    callbacks: options,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A client of the simulator: through `sim.fetch` (no socket) or over HTTP with the global fetch. */
export function clientFor(
  sim: Simulator,
  transport: Transport,
  extra: { maxRetries?: number; timeout?: number; retryDelay?: number } = {},
): ConnectClient {
  return createConnectClient({
    server: sim.url,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    ...(transport === "in-process" ? { fetch: sim.fetch } : {}),
    ...extra,
  });
}

/** Creates the Connect user `userId` (first name Ada, a US phone number). */
export async function newUser(connect: ConnectClient, userId: string): Promise<void> {
  await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: userId, first_name: "Ada", phone_number: "+18005550100" } }));
}

/** Holds the first of `slots` (service options listed for `userId`) and answers the hold. */
export async function holdFirstSlot(
  connect: ConnectClient,
  userId: string,
  slots: readonly { id: number }[],
): Promise<ResponseData<"reserveServiceOption">["service_option_hold"]> {
  const { service_option_hold: hold } = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve", {
      params: { path: { user_id: userId, service_option_id: slots[0]!.id } },
    }),
  );
  return hold;
}

/** Delivery order `orderId` of `items` to ADDRESS for `userId`, in the first delivery slot, held first. */
export async function orderDelivery(
  connect: ConnectClient,
  userId: string,
  orderId: string,
  items: RequestBody<"createDeliveryOrder">["items"],
): Promise<void> {
  const { service_options: slots } = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", {
      params: { path: { user_id: userId } },
      body: { items },
    }),
  );
  const hold = await holdFirstSlot(connect, userId, slots);
  await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
      params: { path: { user_id: userId } },
      body: { order_id: orderId, service_option_hold_id: hold.id, address: ADDRESS, items },
    }),
  );
}

/** Moves sandbox batch `batchId` to `state` (or, without one, to its next state) and answers the batch. */
export function advanceBatch(connect: ConnectClient, batchId: number, state?: string): Promise<ResponseData<"advanceSandboxBatch">> {
  return unwrap(
    connect.POST("/v2/fulfillment_sandbox/batches/{batch_id}/advance", {
      params: { path: { batch_id: batchId } },
      ...(state === undefined ? {} : { body: { workflow_state: state } }),
    }),
  );
}

/**
 * Closes what a test opened once it ends, last opened first (the simulator before the receiver it
 * posts to). Call it at the top of a test file; wrap each simulator or receiver in the returned function.
 */
export function closeAfterEach(): <Resource extends { close(): Promise<void> }>(resource: Resource) => Resource {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const resource of open.splice(0).reverse()) await resource.close();
  });
  return (resource) => {
    open.push(resource);
    return resource;
  };
}

/** A receiver that never answers: each delivery attempt waits for its timeout. */
export function hangingReceiver(extra: Partial<CallbackOptions> = {}): CallbackOptions {
  return {
    url: "http://retailer.test/callbacks",
    tokenUrl: "http://retailer.test/token",
    clientId: "instacart",
    clientSecret: "shh",
    fetch: () => new Promise<Response>(() => undefined),
    ...extra,
  };
}

/** The event names in `names`, in this order, appear in `received` (other events may come between). */
export function inOrder(received: readonly string[], names: readonly string[]): boolean {
  let index = 0;
  for (const name of received) if (name === names[index]) index += 1;
  return index === names.length;
}

export const START = "2026-03-02T09:00:00Z";
export const ADDRESS = { address_line_1: "123 Main St", postal_code: "60601" };
