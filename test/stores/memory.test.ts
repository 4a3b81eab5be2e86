/** The event store contract against createMemoryEventStore, and its bounds. */
import { describe, expect, it } from "vitest";
import { createMemoryEventStore } from "../../src/events/index.ts";
import { describeStoreContract } from "./contract.ts";

describeStoreContract("createMemoryEventStore", {
  async create(leaseMs) {
    let now = 1_000_000;
    const store = createMemoryEventStore({ leaseMs, now: () => now });
    return {
      store,
      async expire() {
        now += leaseMs;
      },
    };
  },
});

describe("createMemoryEventStore: bounds", () => {
  const claimed = (store: ReturnType<typeof createMemoryEventStore>, id: string) => {
    const claim = store.claim(id);
    if (!("status" in claim) || claim.status !== "claimed") throw new Error(`no claim on ${id}`);
    return claim.lease;
  };

  it("forgets the least recently seen processed IDs beyond maxEntries", () => {
    const store = createMemoryEventStore({ maxEntries: 2 });
    for (const id of ["a", "b"]) store.complete(claimed(store, id));
    expect(store.claim("a")).toEqual({ status: "processed" }); // seen again: now the most recent
    store.complete(claimed(store, "c"));
    expect(store.claim("b")).toMatchObject({ status: "claimed" }); // the least recently seen was forgotten
    expect(store.claim("a")).toEqual({ status: "processed" });
    expect(store.claim("c")).toEqual({ status: "processed" });
  });

  it("never forgets an event whose lease holds, and drops expired claims beyond maxEntries", () => {
    let now = 0;
    const store = createMemoryEventStore({ maxEntries: 1, leaseMs: 10, now: () => now });
    const slow = claimed(store, "slow");
    for (const id of ["x", "y", "z"]) store.complete(claimed(store, id));
    expect(store.claim("slow")).toEqual({ status: "in_flight" });
    now = 20;
    claimed(store, "w"); // over maxEntries: the expired claim on "slow" is dropped
    expect(store.release(slow)).toBe(false);
    expect(store.claim("slow")).toMatchObject({ status: "claimed" });
  });

  it("refuses a maxEntries or leaseMs that is not a positive integer", () => {
    expect(() => createMemoryEventStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => createMemoryEventStore({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    expect(() => createMemoryEventStore({ leaseMs: 0 })).toThrow(/leaseMs/);
  });
});
