/**
 * createCallbackHandler behind a real node:http server on 127.0.0.1, with Instacart's deliveries
 * simulated by fetch.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import type { OpenApiDocument, OperationObject } from "../../scripts/lib/spec.ts";
import {
  createCallbackHandler,
  createMemoryEventStore,
  isKnownCallbackEvent,
  type CallbackClaim,
  type CallbackEvent,
  type CallbackEventStore,
  type CallbackFailureStage,
  type CallbackHandlerOptions,
  ConnectEventStoreError,
} from "../../src/index.ts";
import { THIRD_PARTY_EVENT_NAMES } from "../support/event-names.ts";
import { deliver, eventBody, gate, serve, type LocalServer } from "./callback-server.ts";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Receiver {
  origin: string;
  events: CallbackEvent[];
  tokens: string[];
}

/** A receiver whose `authorize` accepts `valid-token` and whose `onEvent` records the events. */
async function receiver(overrides: Partial<CallbackHandlerOptions> = {}): Promise<Receiver> {
  const events: CallbackEvent[] = [];
  const tokens: string[] = [];
  const handler = createCallbackHandler({
    authorize: (token) => {
      tokens.push(token);
      return token === "valid-token";
    },
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
  });
  const server = await serve(handler);
  servers.push(server);
  return { origin: server.origin, events, tokens };
}

/**
 * Delivers one event to a receiver whose memory store has `parts` replaced; answers the delivery's
 * status, the events the handler processed and what `onError` reported.
 */
async function deliverOverStore(parts: Partial<CallbackEventStore>): Promise<{
  status: number;
  events: CallbackEvent[];
  failures: { error: unknown; stage: CallbackFailureStage }[];
}> {
  const failures: { error: unknown; stage: CallbackFailureStage }[] = [];
  const { origin, events } = await receiver({
    store: { ...createMemoryEventStore(), ...parts },
    onError: (error, stage) => failures.push({ error, stage }),
  });
  const { status } = await deliver(origin, eventBody("1", "fulfillment.brand_new"));
  return { status, events, failures };
}

/** Every JSON example of every webhook in the bundled spec. */
function documentedExamples(): { key: string; example: string; value: Record<string, unknown> }[] {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
  const out: { key: string; example: string; value: Record<string, unknown> }[] = [];
  for (const [key, item] of Object.entries(spec.webhooks ?? {})) {
    const operation = item.post as OperationObject;
    const body = operation.requestBody as { content: Record<string, { examples?: Record<string, { value: Record<string, unknown> }> }> };
    for (const [example, { value }] of Object.entries(body.content["application/json"]?.examples ?? {})) {
      out.push({ key, example, value });
    }
  }
  return out;
}

const KNOWN_NAMES: readonly string[] = [
  "fulfillment.brand_new",
  ...THIRD_PARTY_EVENT_NAMES,
  "fulfillment.late_delivery",
  "fulfillment.late_pickup",
  "fulfillment.rescheduled",
  "fulfillment.staged",
  "chat_message_created",
];

describe("createCallbackHandler: the documented examples", () => {
  const examples = documentedExamples();

  it("has an example for every event callback of the spec (28 Fulfillment callbacks and chat_message_created)", () => {
    expect(new Set(examples.map(({ key }) => key)).size).toBe(29);
  });

  it.each(examples)("acknowledges the $example example of $key and hands it to the handler, parsed", async ({ value }) => {
    const { origin, events } = await receiver();
    const delivery = await deliver(origin, JSON.stringify(value));
    expect(delivery.status).toBe(200);
    expect(delivery.body).toEqual({ status: "processed", event_id: String(value.event_id) });
    expect(events).toHaveLength(1);
    const [event] = events as [CallbackEvent];
    expect(event).toEqual({ ...value, event_id: String(value.event_id) });
    expect(isKnownCallbackEvent(event)).toBe(KNOWN_NAMES.includes(String(value.event_name)));
  });
});

describe("createCallbackHandler: delivery semantics", () => {
  it("acknowledges a duplicate event_id with 200 without calling the handler again", async () => {
    const { origin, events } = await receiver();
    const body = eventBody("1201895966044343904", "fulfillment.brand_new");
    expect((await deliver(origin, body)).body).toEqual({ status: "processed", event_id: "1201895966044343904" });
    const again = await deliver(origin, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ status: "duplicate", event_id: "1201895966044343904" });
    expect(events).toHaveLength(1);
  });

  it("processes events that arrive out of order once each, in arrival order, without reordering them", async () => {
    const { origin, events } = await receiver();
    const order = "b7fab7ae-11fc-4453-98e1-a00000000000";
    const deliveries = [
      eventBody("1201895966044343906", "fulfillment.delivered", { order_id: order }),
      eventBody("1201895966044343904", "fulfillment.brand_new", { order_id: order }),
      eventBody("1201895966044343905", "fulfillment.acknowledged", { order_id: order }),
      eventBody("1201895966044343904", "fulfillment.brand_new", { order_id: order }),
    ];
    const statuses: number[] = [];
    for (const body of deliveries) statuses.push((await deliver(origin, body)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(events.map((event) => [event.event_id, event.event_name])).toEqual([
      ["1201895966044343906", "fulfillment.delivered"],
      ["1201895966044343904", "fulfillment.brand_new"],
      ["1201895966044343905", "fulfillment.acknowledged"],
    ]);
  });

  it("keeps an event_id of 9223372036854775807 exact and tells it apart from 9223372036854775806", async () => {
    const { origin, events } = await receiver();
    // Both round to the same JavaScript number (9223372036854775808): a rounded ID would merge them.
    expect(Number("9223372036854775807")).toBe(Number("9223372036854775806"));
    const first = await deliver(origin, eventBody("9223372036854775807", "fulfillment.canceled"));
    const second = await deliver(origin, eventBody("9223372036854775806", "fulfillment.canceled"));
    expect(first.body).toEqual({ status: "processed", event_id: "9223372036854775807" });
    expect(second.body).toEqual({ status: "processed", event_id: "9223372036854775806" });
    expect(events.map((event) => event.event_id)).toEqual(["9223372036854775807", "9223372036854775806"]);
  });

  it("answers 500 when the handler throws, leaves the event unprocessed, and processes Instacart's retry", async () => {
    let calls = 0;
    const failures: string[] = [];
    const { origin } = await receiver({
      onEvent: () => {
        calls += 1;
        if (calls === 1) throw new Error("database down");
      },
      onError: (error, stage, event) => failures.push(`${stage}: ${(error as Error).message} (${event?.event_id})`),
    });
    const body = eventBody("1201895966044343904", "fulfillment.brand_new");
    const failed = await deliver(origin, body);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ error: "handler_failed" });
    expect(failures).toEqual(["handler: database down (1201895966044343904)"]);
    const retried = await deliver(origin, body);
    expect(retried.body).toEqual({ status: "processed", event_id: "1201895966044343904" });
    const duplicate = await deliver(origin, body);
    expect(duplicate.body).toEqual({ status: "duplicate", event_id: "1201895966044343904" });
    expect(calls).toBe(2);
  });

  it("runs the handler once when the same event arrives twice at the same time", async () => {
    const release = gate();
    const started = gate();
    let calls = 0;
    const { origin } = await receiver({
      onEvent: async () => {
        calls += 1;
        started.open();
        await release.opened;
      },
    });
    const body = eventBody("42", "fulfillment.picking");
    const first = deliver(origin, body);
    await started.opened;
    const concurrent = await deliver(origin, body);
    expect(concurrent.status).toBe(503);
    expect(concurrent.body).toMatchObject({ error: "in_flight" });
    release.open();
    expect((await first).body).toEqual({ status: "processed", event_id: "42" });
    expect((await deliver(origin, body)).body).toEqual({ status: "duplicate", event_id: "42" });
    expect(calls).toBe(1);
  });
});

describe("createCallbackHandler: refusals", () => {
  it("answers 401 with a Bearer challenge to a callback without a token, before reading it", async () => {
    const { origin, events, tokens } = await receiver();
    const delivery = await deliver(origin, eventBody("1", "fulfillment.brand_new"), null);
    expect(delivery.status).toBe(401);
    expect(delivery.headers.get("www-authenticate")).toBe("Bearer");
    expect(tokens).toEqual([]);
    expect(events).toEqual([]);
  });

  it("answers 401 invalid_token when authorize rejects the token", async () => {
    const { origin, events, tokens } = await receiver();
    const delivery = await deliver(origin, eventBody("1", "fulfillment.brand_new"), "expired-token");
    expect(delivery.status).toBe(401);
    expect(delivery.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(tokens).toEqual(["expired-token"]);
    expect(events).toEqual([]);
  });

  it("answers 401 to an Authorization header that is not a bearer token", async () => {
    const { origin, events } = await receiver();
    const response = await fetch(`${origin}/instacart/callbacks`, {
      method: "POST",
      headers: { authorization: "Basic dXNlcjpwYXNz", "content-type": "application/json" },
      body: eventBody("1", "fulfillment.brand_new"),
    });
    expect(response.status).toBe(401);
    expect(events).toEqual([]);
  });

  it("answers 400 to malformed JSON without calling the handler", async () => {
    const { origin, events } = await receiver();
    const delivery = await deliver(origin, '{"event_id": 1201895966044343904, "event_name": ');
    expect(delivery.status).toBe(400);
    expect(delivery.body).toMatchObject({ error: "malformed_json", message: expect.stringMatching(/unexpected end of input/) });
    expect(events).toEqual([]);
  });

  it("answers 400 to a broken envelope or known payload without calling the handler", async () => {
    const { origin, events } = await receiver();
    const noId = await deliver(
      origin,
      '{"event_name":"fulfillment.brand_new","event_timestamp":"2020-07-07T16:35:22Z","event_metadata":{}}',
    );
    expect(noId.status).toBe(400);
    expect(noId.body).toMatchObject({ error: "invalid_envelope", message: "event_id is required" });
    const noOrder = await deliver(origin, eventBody("1", "fulfillment.brand_new", {}));
    expect(noOrder.status).toBe(400);
    expect(noOrder.body).toMatchObject({ error: "invalid_payload", message: "event_metadata.order_id is required" });
    expect(events).toEqual([]);
  });

  it("answers 500 when authorize throws, without reading the event", async () => {
    const failures: string[] = [];
    const { origin, events } = await receiver({
      authorize: () => {
        throw new Error("token store down");
      },
      onError: (_, stage) => failures.push(stage),
    });
    expect((await deliver(origin, eventBody("1", "fulfillment.brand_new"))).status).toBe(500);
    expect(failures).toEqual(["authorize"]);
    expect(events).toEqual([]);
  });

  it("answers 413 to a body larger than maxBodyBytes", async () => {
    const { origin, events } = await receiver({ maxBodyBytes: 64 });
    const delivery = await deliver(origin, eventBody("1", "fulfillment.brand_new", { order_id: "o".repeat(100) }));
    expect(delivery.status).toBe(413);
    expect(events).toEqual([]);
  });

  it("stops reading and answers 413 when a chunked body without a length grows past maxBodyBytes", async () => {
    const { origin, events } = await receiver({ maxBodyBytes: 64 });
    const chunk = new Uint8Array(64 * 1024).fill(0x20); // 1000 chunks would be 64 MiB
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${origin}/instacart/callbacks`, {
      method: "POST",
      headers: { authorization: "Bearer valid-token", "content-type": "application/json" },
      body,
      duplex: "half",
    }).catch((error: unknown) => error);
    // The receiver answers 413 as soon as the limit is passed; the sender may see the answer or a reset.
    if (response instanceof Response) expect(response.status).toBe(413);
    expect(sent).toBeLessThan(1000);
    expect(events).toEqual([]);
  });

  it("answers 405 to anything but POST", async () => {
    const { origin } = await receiver();
    const response = await fetch(`${origin}/instacart/callbacks`, { headers: { authorization: "Bearer valid-token" } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("refuses options without authorize or onEvent", () => {
    expect(() => createCallbackHandler({ onEvent: () => {} } as unknown as CallbackHandlerOptions)).toThrow(/authorize/);
  });
});

describe("createCallbackHandler: replaceable store", () => {
  it("de-duplicates across two receivers that share one store", async () => {
    const store = createMemoryEventStore();
    const a = await receiver({ store });
    const b = await receiver({ store });
    const body = eventBody("1201895966044343904", "fulfillment.brand_new");
    expect((await deliver(a.origin, body)).body).toMatchObject({ status: "processed" });
    expect((await deliver(b.origin, body)).body).toMatchObject({ status: "duplicate" });
    expect(a.events).toHaveLength(1);
    expect(b.events).toHaveLength(0);
  });

  it("answers 500 without calling the handler when the store is unavailable", async () => {
    const { status, events, failures } = await deliverOverStore({ claim: () => Promise.reject(new Error("redis down")) });
    expect(status).toBe(500);
    expect(failures.map(({ stage }) => stage)).toEqual(["store"]);
    expect(events).toEqual([]);
  });

  it.each([
    ["the old string answer", "claimed"],
    ["nothing", undefined],
    ["a claim without a lease", { status: "claimed" }],
    ["a lease for another event", { status: "claimed", lease: { eventId: "2", token: "t", leaseMs: 1000 } }],
    ["an unknown status", { status: "ok" }],
  ])("answers 500 and reports a store that answers a claim with %s, never processing the event", async (_, answer) => {
    const { status, events, failures } = await deliverOverStore({ claim: () => answer as unknown as CallbackClaim });
    expect(status).toBe(500);
    expect(events).toEqual([]);
    expect(failures.map(({ error }) => error)).toEqual([expect.any(ConnectEventStoreError)]);
    expect(String(failures[0]!.error)).toMatch(/not a claim/);
  });

  it("still acknowledges a processed event when the store fails to record it", async () => {
    const { status, events, failures } = await deliverOverStore({ complete: () => Promise.reject(new Error("redis down")) });
    expect(status).toBe(200);
    expect(events).toHaveLength(1);
    expect(failures.map(({ stage }) => stage)).toEqual(["store"]);
  });

  it("reports a store whose complete answers something other than a boolean", async () => {
    const { status, failures } = await deliverOverStore({ complete: () => "OK" as unknown as boolean });
    expect(status).toBe(200);
    expect(failures.map(({ error }) => error)).toEqual([expect.any(ConnectEventStoreError)]);
  });

  it("gives each handler its own default store", async () => {
    const a = await receiver();
    const b = await receiver();
    const body = eventBody("5", "fulfillment.brand_new");
    expect((await deliver(a.origin, body)).body).toMatchObject({ status: "processed" });
    expect((await deliver(b.origin, body)).body).toMatchObject({ status: "processed" });
  });
});
