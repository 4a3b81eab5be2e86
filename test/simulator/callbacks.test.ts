/**
 * Event callbacks as Instacart sends them: a token from the retailer's token URL, at-least-once
 * delivery with backoff on the simulated clock, duplicates and reordering that the package's
 * `createCallbackHandler` must absorb. No test sleeps: time moves with `sim.clock.advance`.
 */
import { describe, expect, it, vi } from "vitest";
import { type RequestBody, unwrap } from "../../src/index.ts";
import { createSimulator, type CallbackOptions, type Simulator } from "../../src/simulator/index.ts";
import {
  advanceBatch,
  clientFor,
  closeAfterEach,
  hangingReceiver,
  newUser,
  orderDelivery,
  START,
  startReceiver,
  type Receiver,
} from "./support.ts";

const closing = closeAfterEach();

async function setUp(extra: Partial<CallbackOptions> = {}, seed = 7): Promise<{ sim: Simulator; receiver: Receiver }> {
  const receiver = closing(await startReceiver("in-process", extra));
  const sim = closing(await createSimulator({ listen: false, seed, clock: { start: START, frozen: true }, callbacks: receiver.callbacks }));
  return { sim, receiver };
}

/** Orders `count` deliveries and takes them through a batch to completed: 6 named events per order. */
async function busyDay(simulator: Simulator, count: number): Promise<void> {
  const connect = clientFor(simulator, "in-process");
  await newUser(connect, "ada");
  const orders: { id: string }[] = [];
  for (let index = 0; index < count; index++) {
    await orderDelivery(connect, "ada", `o-${index}`, [{ line_num: "1", count: 1, item: { upc: "1" } }]);
    orders.push({ id: `o-${index}` });
  }
  const { id: shopper } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: {} }));
  const batch = await unwrap(connect.POST("/v2/fulfillment_sandbox/batches", { body: { shopper_id: shopper, orders } }));
  for (const state of ["picking", "checkout", "delivering", "completed"]) await advanceBatch(connect, batch.id, state);
}

/** Asks the sandbox to send order `o-0`'s `eventName` callback. */
async function sandboxCallback(simulator: Simulator, eventName: RequestBody<"simulateSandboxOrderCallback">["event_name"]): Promise<void> {
  await unwrap(
    clientFor(simulator, "in-process").POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", {
      params: { path: { order_id: "o-0" } },
      body: { event_name: eventName },
    }),
  );
}

/** One event: a dispatch order's Brand new. */
async function oneEvent(simulator: Simulator): Promise<void> {
  await unwrap(
    clientFor(simulator, "in-process").POST("/v2/fulfillment/lastmile/orders", {
      body: {
        order_id: "d-1",
        location_code: "1001",
        start_at: "2030-01-01T14:00:00Z",
        first_name: "A",
        last_name: "B",
        user_phone: "+18005550100",
        items_count: 1,
        items_weight: 1,
      },
    }),
  );
}

/** Lets the delivery queue run what is due (it starts on a microtask, and each attempt awaits the receiver). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("event callbacks", () => {
  it("gets a token with a client-credentials form POST, then posts each event with it", async () => {
    const seen: Request[] = [];
    const receiver = closing(await startReceiver("in-process"));
    const route = receiver.callbacks.fetch!;
    // Look at the wire format, then let the retailer's real handlers answer.
    const callbacks = {
      ...receiver.callbacks,
      fetch: async (request: Request) => {
        seen.push(request.clone());
        return route(request);
      },
    };
    const sim = closing(await createSimulator({ listen: false, clock: { start: START, frozen: true }, callbacks }));
    await busyDay(sim, 1);
    await sim.settle();
    const [tokenRequest, firstEvent] = seen;
    expect(tokenRequest!.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(await tokenRequest!.text()))).toEqual({
      client_id: "instacart",
      client_secret: expect.any(String),
      grant_type: "client_credentials",
    });
    expect(firstEvent!.headers.get("authorization")).toMatch(/^Bearer [\w-]+$/);
    const body = await firstEvent!.text();
    expect(body).toMatch(
      /^\{"event_id":1\d{18},"event_name":"fulfillment.brand_new","event_timestamp":"2026-03-02T09:00:00Z","event_metadata":\{"order_id":"o-0"\}\}$/,
    );
    expect(receiver.tokensIssued()).toBe(1);
    expect(receiver.processed).toHaveLength(6);
  });

  it("processes duplicated and reordered events exactly once each with createCallbackHandler", async () => {
    const { sim, receiver } = await setUp({ duplicate: true, reorder: 5000 });
    await busyDay(sim, 3);
    await sim.settle();
    const sent = sim.events.filter((event) => event.notSent === undefined);
    expect(sent).toHaveLength(18);
    expect(
      sent.every((event) => event.deliveries.length === 2 && event.deliveries.every((delivery) => delivery.status === "delivered")),
    ).toBe(true);
    expect(receiver.posts()).toBe(36);
    const processedIds = receiver.processed.map((event) => event.event_id);
    expect(new Set(processedIds).size).toBe(18);
    expect([...processedIds].sort()).toEqual(sent.map((event) => event.eventId).sort());
    expect(processedIds).not.toEqual(sent.map((event) => event.eventId)); // they did arrive out of order
  });

  it("resends a recorded event on demand, and the receiver does not process it twice", async () => {
    const { sim, receiver } = await setUp();
    await oneEvent(sim);
    await sim.settle();
    const [event] = sim.events;
    sim.resend(event!.eventId);
    await sim.settle();
    expect(event!.deliveries.map((delivery) => [delivery.copy, delivery.status])).toEqual([
      [0, "delivered"],
      [1, "delivered"],
    ]);
    expect(receiver.posts()).toBe(2);
    expect(receiver.processed).toHaveLength(1);
    expect(() => sim.resend("42")).toThrow("no recorded event 42");
  });

  it("retries a receiver that answers 500 twice and delivers the event on the third try", async () => {
    const { sim, receiver } = await setUp();
    receiver.failNext(2);
    await oneEvent(sim);
    await sim.settle();
    const [first] = sim.events;
    expect(first!.deliveries[0]!.attempts.map((attempt) => attempt.status)).toEqual([500, 500, 200]);
    expect(receiver.processed.map((event) => event.event_id)).toContain(first!.eventId);
    expect(receiver.processed.filter((event) => event.event_id === first!.eventId)).toHaveLength(1);
  });

  it("waits out the backoff on the simulated clock: the retry goes when advance passes it", async () => {
    const { sim, receiver } = await setUp({ retryDelay: 1000 });
    receiver.failNext(1);
    await oneEvent(sim);
    await vi.waitFor(() => expect(receiver.posts()).toBe(1), { timeout: 5000 });
    sim.clock.advance(999);
    await flush();
    expect(receiver.posts()).toBe(1);
    sim.clock.advance(1);
    await vi.waitFor(() => expect(receiver.processed).toHaveLength(1), { timeout: 5000 });
    expect(sim.events[0]!.deliveries[0]!.attempts.map((attempt) => [attempt.at, attempt.status])).toEqual([
      ["2026-03-02T09:00:00Z", 500],
      ["2026-03-02T09:00:01Z", 200],
    ]);
  });

  it("gets a new token when the previous one has expired on the simulated clock, or was refused", async () => {
    const { sim, receiver } = await setUp();
    await busyDay(sim, 1);
    await sim.settle();
    expect(receiver.tokensIssued()).toBe(1);
    sim.clock.advance(3_600_000); // the receiver's tokens live 3 600 s
    await sandboxCallback(sim, "canceled");
    await sim.settle();
    expect(receiver.tokensIssued()).toBe(2);
    receiver.failNext(1, 401);
    await sandboxCallback(sim, "canceled");
    await sim.settle();
    expect(receiver.tokensIssued()).toBe(3);
    expect(sim.events.at(-1)!.deliveries[0]!.attempts.map((attempt) => attempt.status)).toEqual([401, 200]);
  });

  it("records events whose event_name the spec does not publish, without sending them", async () => {
    const { sim, receiver } = await setUp();
    await busyDay(sim, 1);
    await sandboxCallback(sim, "late_delivery");
    await sim.settle();
    const late = sim.events.at(-1)!;
    expect(late.webhook).toBe("late-delivery");
    if (late.eventName === undefined) {
      expect(late.notSent).toMatch(/does not publish the event_name of "Late delivery"/);
      expect(late.deliveries).toEqual([]);
    } else {
      // After the spec names it, it is sent like every other event.
      expect(receiver.processed.at(-1)!.event_name).toBe(late.eventName);
    }
  });
});

describe("settle", () => {
  it("ends even when the receiver never answers: each attempt times out, then the delivery fails", async () => {
    const hanging = hangingReceiver({ timeout: 20, maxAttempts: 2 });
    const sim = closing(await createSimulator({ listen: false, clock: { start: START, frozen: true }, callbacks: hanging }));
    await oneEvent(sim);
    await sim.settle();
    const [delivery] = sim.events[0]!.deliveries;
    expect(delivery).toMatchObject({
      status: "failed",
      attempts: [{ error: "no answer within 20 ms" }, { error: "no answer within 20 ms" }],
    });
  });

  it("rejects after its own timeout, naming what is still pending", async () => {
    const sim = closing(await createSimulator({ listen: false, clock: { frozen: true }, callbacks: hangingReceiver() }));
    await oneEvent(sim);
    await expect(sim.settle({ timeout: 30 })).rejects.toThrow("sim.settle(): 1 callback deliveries still pending after 30 ms");
  });
});
