/**
 * createCallbackHandler keeps the lease while onEvent runs, tells onEvent when it is lost, and never
 * lets a handler that outlived its lease touch a newer delivery's claim (the stale-release double
 * processing of 0.1.0). The handler is called directly; time is vitest's fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type CallbackEventStore,
  type CallbackFailureStage,
  ConnectEventStoreError,
  createCallbackHandler,
  createMemoryEventStore,
} from "../../src/index.ts";
import { eventBody, gate } from "./callback-server.ts";

const LEASE_MS = 3_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

function post(eventId: string): Request {
  return new Request("http://receiver.test/callbacks", {
    method: "POST",
    headers: { authorization: "Bearer valid-token" },
    body: eventBody(eventId, "fulfillment.brand_new"),
  });
}

async function statusOf(response: Promise<Response>): Promise<number> {
  return (await response).status;
}

describe("createCallbackHandler: leases", () => {
  it("extends the lease while onEvent runs past it, so a retry meanwhile is answered in_flight, not run twice", async () => {
    const store = createMemoryEventStore({ leaseMs: LEASE_MS });
    const release = gate();
    let runs = 0;
    const handler = createCallbackHandler({
      authorize: () => true,
      store,
      onEvent: async () => {
        runs++;
        await release.opened;
      },
    });
    const first = handler(post("1"));
    for (let elapsed = 0; elapsed < 5 * LEASE_MS; elapsed += LEASE_MS / 3) await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(await statusOf(handler(post("1")))).toBe(503);
    release.open();
    expect(await statusOf(first)).toBe(200);
    expect(await statusOf(handler(post("1")))).toBe(200);
    expect(runs).toBe(1);
  });

  it("aborts onEvent's signal with a ConnectEventStoreError when the lease is lost, and answers 500 when onEvent then throws", async () => {
    const store = createMemoryEventStore({ leaseMs: LEASE_MS });
    const failures: [CallbackFailureStage, unknown][] = [];
    let reason: unknown;
    const handler = createCallbackHandler({
      authorize: () => true,
      store: { ...store, extend: () => false },
      onEvent: (_, { signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(reason);
          });
        }),
      onError: (error, stage) => failures.push([stage, error]),
    });
    const answer = handler(post("2"));
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(await statusOf(answer)).toBe(500);
    expect(reason).toBeInstanceOf(ConnectEventStoreError);
    expect(String(reason)).toMatch(/lease on event 2 was lost/);
    expect(failures.map(([stage]) => stage)).toEqual(["handler"]);
  });

  it("presumes the lease lost when the store cannot extend it for a whole lease, reporting each failure", async () => {
    const failures: CallbackFailureStage[] = [];
    let aborted = false;
    const handler = createCallbackHandler({
      authorize: () => true,
      store: { ...createMemoryEventStore({ leaseMs: LEASE_MS }), extend: () => Promise.reject(new Error("redis down")) },
      onEvent: (_, { signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
      onError: (_, stage) => failures.push(stage),
    });
    const answer = handler(post("3"));
    await vi.advanceTimersByTimeAsync((2 * LEASE_MS) / 3);
    expect(aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(LEASE_MS / 3);
    expect(await statusOf(answer)).toBe(500);
    expect(aborted).toBe(true);
    expect(failures).toEqual(["store", "store", "store", "handler"]);
  });

  it("never lets a stale release delete a newer claim: a third delivery waits while the second runs", async () => {
    // The 0.1.0 reproduction: delivery 1 hangs past its lease, delivery 2 claims the event, delivery 1
    // fails and releases, and a third delivery ran while the second still did.
    const store = createMemoryEventStore({ leaseMs: LEASE_MS });
    const noHeartbeat: CallbackEventStore = { ...store, extend: () => true }; // the lease is not extended in the store
    const first = gate();
    const second = gate();
    const runs: string[] = [];
    const failures: CallbackFailureStage[] = [];
    const handler = createCallbackHandler({
      authorize: () => true,
      store: noHeartbeat,
      onEvent: async () => {
        runs.push(`run ${runs.length + 1}`);
        if (runs.length === 1) {
          await first.opened;
          throw new Error("delivery 1 failed late");
        }
        await second.opened;
      },
      onError: (_, stage) => failures.push(stage),
    });
    const delivery1 = handler(post("4"));
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1);
    const delivery2 = handler(post("4"));
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["run 1", "run 2"]);
    first.open();
    expect(await statusOf(delivery1)).toBe(500);
    expect(failures).toEqual(["handler", "lease"]); // its release found a newer claim and left it
    expect(await statusOf(handler(post("4")))).toBe(503);
    second.open();
    expect(await statusOf(delivery2)).toBe(200);
    expect(await statusOf(handler(post("4")))).toBe(200);
    expect(runs).toEqual(["run 1", "run 2"]);
  });

  it("acknowledges an event whose onEvent finished after the lease passed to another delivery, and reports it", async () => {
    const store = createMemoryEventStore({ leaseMs: LEASE_MS });
    const first = gate();
    const second = gate();
    const failures: [CallbackFailureStage, unknown][] = [];
    let calls = 0;
    const handler = createCallbackHandler({
      authorize: () => true,
      store: { ...store, extend: () => true },
      onEvent: async () => {
        await (++calls === 1 ? first.opened : second.opened);
      },
      onError: (error, stage) => failures.push([stage, error]),
    });
    const delivery1 = handler(post("5"));
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1);
    const delivery2 = handler(post("5"));
    await vi.advanceTimersByTimeAsync(0);
    first.open();
    expect(await statusOf(delivery1)).toBe(200);
    expect(failures).toEqual([["lease", expect.any(ConnectEventStoreError)]]);
    expect(String(failures[0]![1])).toMatch(/was not marked processed/);
    second.open();
    expect(await statusOf(delivery2)).toBe(200);
  });

  it("passes the lease to onEvent and stops extending it once onEvent is done", async () => {
    const store = createMemoryEventStore({ leaseMs: LEASE_MS });
    const extend = vi.fn(store.extend);
    let token = "";
    const handler = createCallbackHandler({
      authorize: () => true,
      store: { ...store, extend },
      onEvent: (_, { lease }) => {
        token = lease.token;
        expect(lease).toMatchObject({ eventId: "6", leaseMs: LEASE_MS });
      },
    });
    expect(await statusOf(handler(post("6")))).toBe(200);
    expect(token).not.toBe("");
    await vi.advanceTimersByTimeAsync(5 * LEASE_MS);
    expect(extend).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
