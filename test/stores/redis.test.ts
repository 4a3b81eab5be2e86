/**
 * The event store contract against createRedisEventStore on a real Redis (Debian's redis-server,
 * started for this file by ./redis-fixture.ts on 127.0.0.1 and a free port, stopped by PID), through node-redis and through ioredis.
 * Slow suite: `npm run test:slow`.
 */
import { describe, expect, it } from "vitest";
import { ConnectConfigError } from "../../src/events/index.ts";
import { createRedisEventStore, type RedisClient } from "../../src/stores/redis.ts";
import { type ContractTarget, describeStoreContract } from "./contract.ts";
import { redisPerFile } from "./redis-fixture.ts";

const setup = redisPerFile();

const UNEXPECTED = ["OK", null, 2, -1, ["claimed"], "claimed:token"];

/** A fresh key prefix per store; `expire` deletes a claim the way Redis's expiry does. */
function redisTarget(client: () => RedisClient, shape: "node-redis" | "ioredis"): ContractTarget {
  let stores = 0;
  return {
    async create(leaseMs) {
      const keyPrefix = `test:${shape}:${Date.now()}:${stores++}:`;
      return {
        store: createRedisEventStore(client(), { keyPrefix, leaseMs }),
        async expire(eventId) {
          const value = await setup.ioredis.get(keyPrefix + eventId);
          if (value?.startsWith("claimed:")) await setup.ioredis.del(keyPrefix + eventId);
        },
      };
    },
    misbehaving: (answer) =>
      createRedisEventStore(
        shape === "ioredis" ? { eval: async () => answer, defineCommand: () => undefined } : { eval: async () => answer },
      ),
    unexpectedAnswers: UNEXPECTED,
  };
}

describeStoreContract(
  "createRedisEventStore with node-redis",
  redisTarget(() => setup.nodeRedis, "node-redis"),
);
describeStoreContract(
  "createRedisEventStore with ioredis",
  redisTarget(() => setup.ioredis, "ioredis"),
);

describe("createRedisEventStore: keys and lifetimes", () => {
  it("holds a claim for leaseMs, extends it by leaseMs, and keeps a processed ID for processedTtlMs", async () => {
    const store = createRedisEventStore(setup.nodeRedis, { keyPrefix: "ttl:", leaseMs: 40_000, processedTtlMs: 3_600_000 });
    const claim = await store.claim("1");
    if (claim.status !== "claimed") throw new Error("not claimed");
    expect(await setup.ioredis.get("ttl:1")).toBe(`claimed:${claim.lease.token}`);
    expect(await setup.ioredis.pttl("ttl:1")).toBeGreaterThan(30_000);
    await setup.ioredis.pexpire("ttl:1", 5_000);
    expect(await store.extend(claim.lease)).toBe(true);
    expect(await setup.ioredis.pttl("ttl:1")).toBeGreaterThan(30_000);
    expect(await store.complete(claim.lease)).toBe(true);
    expect(await setup.ioredis.get("ttl:1")).toBe("processed");
    expect(await setup.ioredis.pttl("ttl:1")).toBeGreaterThan(3_500_000);
  });

  it("refuses a client without eval and bad durations at configuration", () => {
    expect(() => createRedisEventStore({} as RedisClient)).toThrow(/node-redis, ioredis or iovalkey/);
    expect(() => createRedisEventStore(setup.nodeRedis, { leaseMs: 0 })).toThrow(ConnectConfigError);
    expect(() => createRedisEventStore(setup.nodeRedis, { processedTtlMs: 1.5 })).toThrow(ConnectConfigError);
  });
});
