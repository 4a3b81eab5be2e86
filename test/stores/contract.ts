/**
 * The event store contract, run alike against every store (memory, Redis with node-redis and
 * ioredis, PostgreSQL with pg and PGlite): leases fence every write, so a delivery that outlived its
 * lease never deletes or overwrites a newer claim; concurrent claims grant one lease; a backend's
 * unexpected answer is an error.
 */
import { describe, expect, it } from "vitest";
import { type CallbackEventLease, type CallbackEventStore, ConnectEventStoreError } from "../../src/events/index.ts";

export interface StoreUnderTest {
  readonly store: CallbackEventStore;
  /** Makes the current claim on `eventId` expire now, as the backend's own expiry would. */
  expire(eventId: string): Promise<void>;
}

export interface ContractTarget {
  /** A fresh, empty store (its own key prefix or table) whose leases last `leaseMs`. */
  create(leaseMs: number): Promise<StoreUnderTest>;
  /** The same store over a backend that answers `answer` to every command, when the store has one. */
  misbehaving?: (answer: unknown) => CallbackEventStore;
  /** Answers no real backend could give, each an error. */
  unexpectedAnswers?: unknown[];
}

const LEASE_MS = 30_000;

async function claimLease(store: CallbackEventStore, eventId: string): Promise<CallbackEventLease> {
  const claim = await store.claim(eventId);
  if (claim.status !== "claimed") throw new Error(`expected a claim on ${eventId}, got ${claim.status}`);
  return claim.lease;
}

export function describeStoreContract(name: string, target: ContractTarget): void {
  /** A fresh store where `eventId`'s first lease (`stale`) expired and a later delivery holds `newer`. */
  async function takenOver(eventId: string): Promise<{ store: CallbackEventStore; stale: CallbackEventLease; newer: CallbackEventLease }> {
    const { store, expire } = await target.create(LEASE_MS);
    const stale = await claimLease(store, eventId);
    await expire(eventId);
    return { store, stale, newer: await claimLease(store, eventId) };
  }

  describe(`${name}: the event store contract`, () => {
    it("grants a lease on the first claim and answers in_flight to the next while it holds", async () => {
      const { store } = await target.create(LEASE_MS);
      const lease = await claimLease(store, "9223372036854775807");
      expect(lease).toEqual({ eventId: "9223372036854775807", token: expect.any(String), leaseMs: LEASE_MS });
      expect(await store.claim("9223372036854775807")).toEqual({ status: "in_flight" });
      expect(await store.claim("-5")).toMatchObject({ status: "claimed" });
    });

    it("answers processed once the lease completed it, and refuses to release or complete it again", async () => {
      const { store } = await target.create(LEASE_MS);
      const lease = await claimLease(store, "1");
      expect(await store.complete(lease)).toBe(true);
      expect(await store.claim("1")).toEqual({ status: "processed" });
      expect(await store.release(lease)).toBe(false);
      expect(await store.complete(lease)).toBe(false);
      expect(await store.extend(lease)).toBe(false);
      expect(await store.claim("1")).toEqual({ status: "processed" });
    });

    it("lets a released event be claimed again, under a new lease", async () => {
      const { store } = await target.create(LEASE_MS);
      const first = await claimLease(store, "2");
      expect(await store.release(first)).toBe(true);
      const second = await claimLease(store, "2");
      expect(second.token).not.toBe(first.token);
      expect(await store.release(first)).toBe(false);
      expect(await store.claim("2")).toEqual({ status: "in_flight" });
    });

    it("extends a lease that holds, and refuses to extend an expired one", async () => {
      const { store, expire } = await target.create(LEASE_MS);
      const lease = await claimLease(store, "3");
      expect(await store.extend(lease)).toBe(true);
      expect(await store.claim("3")).toEqual({ status: "in_flight" });
      await expire("3");
      expect(await store.extend(lease)).toBe(false);
    });

    it("never lets a stale release delete the newer claim of a later delivery", async () => {
      const { store, stale, newer } = await takenOver("4");
      expect(await store.release(stale)).toBe(false);
      expect(await store.extend(stale)).toBe(false);
      expect(await store.claim("4")).toEqual({ status: "in_flight" }); // a third delivery waits
      expect(await store.extend(newer)).toBe(true);
      expect(await store.complete(newer)).toBe(true);
      expect(await store.claim("4")).toEqual({ status: "processed" });
    });

    it("never lets a stale complete overwrite the newer claim, nor the newer claim's release", async () => {
      const { store, stale, newer } = await takenOver("5");
      expect(await store.complete(stale)).toBe(false);
      expect(await store.claim("5")).toEqual({ status: "in_flight" });
      expect(await store.release(newer)).toBe(true);
      expect(await store.complete(stale)).toBe(true); // no claim left: the work it did counts
      expect(await store.claim("5")).toEqual({ status: "processed" });
    });

    it("completes an expired lease that nobody took over", async () => {
      const { store, expire } = await target.create(LEASE_MS);
      const lease = await claimLease(store, "6");
      await expire("6");
      expect(await store.complete(lease)).toBe(true);
      expect(await store.claim("6")).toEqual({ status: "processed" });
    });

    it("leaves a processed event alone when a stale delivery completes or releases after another completed it", async () => {
      const { store, stale, newer } = await takenOver("7");
      expect(await store.complete(newer)).toBe(true);
      expect(await store.release(stale)).toBe(false);
      expect(await store.complete(stale)).toBe(false);
      expect(await store.claim("7")).toEqual({ status: "processed" });
    });

    it("grants exactly one lease per event when 20 events are each claimed 10 times at once", async () => {
      const { store } = await target.create(LEASE_MS);
      const ids = Array.from({ length: 20 }, (_, index) => String(1000 + index));
      const claims = await Promise.all(ids.flatMap((id) => Array.from({ length: 10 }, () => store.claim(id))));
      const claimed = claims.filter((claim) => claim.status === "claimed");
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed.map((claim) => (claim.status === "claimed" ? claim.lease.eventId : "")))).toEqual(new Set(ids));
      expect(claims.filter((claim) => claim.status === "in_flight")).toHaveLength(180);
    });

    it("grants one lease when a stale claim is taken over by 10 deliveries at once", async () => {
      const { store, expire } = await target.create(LEASE_MS);
      await claimLease(store, "8");
      await expire("8");
      const claims = await Promise.all(Array.from({ length: 10 }, () => store.claim("8")));
      expect(claims.filter((claim) => claim.status === "claimed")).toHaveLength(1);
    });

    if (target.misbehaving) {
      const misbehaving = target.misbehaving;
      const lease: CallbackEventLease = { eventId: "9", token: "t", leaseMs: LEASE_MS };
      it.each((target.unexpectedAnswers ?? []).map((answer) => [JSON.stringify(answer) ?? String(answer), answer]))(
        "throws a ConnectEventStoreError, never a claim, when the backend answers %s",
        async (_, answer) => {
          const store = misbehaving(answer);
          await expect(Promise.resolve().then(() => store.claim("9"))).rejects.toThrow(ConnectEventStoreError);
          for (const operation of ["extend", "complete", "release"] as const) {
            await expect(Promise.resolve().then(() => store[operation](lease))).rejects.toThrow(ConnectEventStoreError);
          }
        },
      );
    }
  });
}
