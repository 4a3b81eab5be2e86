/**
 * `instacart-connect/stores/redis`: a `CallbackEventStore` on Redis or Valkey, shared by every
 * receiver instance (and, from redis-token-cache.ts, the client's shared token cache). Each
 * operation is one Lua script, so it is atomic: a key holds `claimed:<lease token>` with the lease
 * as its expiry, then `processed` for `processedTtlMs`.
 * Bring your own connected client (node-redis, ioredis or iovalkey: optional peer dependencies
 * this module never imports).
 */
import { ConnectConfigError } from "../errors.js";
import {
  type CallbackClaim,
  type CallbackEventLease,
  type CallbackEventStore,
  checkMilliseconds,
  ConnectEventStoreError,
} from "../events/store.js";
import { checkRedisClient, type RedisClient, runScript } from "./redis-client.js";

export type { IoRedisClient, NodeRedisClient, RedisClient } from "./redis-client.js";
export { createRedisTokenCache, type RedisTokenCacheOptions } from "./redis-token-cache.js";

export interface RedisEventStoreOptions {
  /** Prefix of the store's keys. Default `instacart-connect:event:`. */
  keyPrefix?: string;
  /** How long a claim holds without being extended, in ms (the handler extends it while `onEvent` runs). Default 60 000. */
  leaseMs?: number;
  /** How long a processed `event_id` is remembered, in ms. Default 7 days. */
  processedTtlMs?: number;
}

// KEYS[1] the event's key. ARGV[1] the lease token, ARGV[2] a duration in ms.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if v == 'processed' then return 'processed' end
if v then return 'in_flight' end
redis.call('SET', KEYS[1], 'claimed:' .. ARGV[1], 'PX', ARGV[2])
return 'claimed'`;
const EXTEND = `if redis.call('GET', KEYS[1]) == 'claimed:' .. ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if v == false or v == 'claimed:' .. ARGV[1] then
  redis.call('SET', KEYS[1], 'processed', 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == 'claimed:' .. ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`;

/**
 * A shared event store on Redis or Valkey:
 *
 * ```ts
 * import { createClient } from "redis"; // or: import { Redis } from "ioredis"
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * createCallbackHandler({ authorize, onEvent, store: createRedisEventStore(redis) });
 * ```
 */
export function createRedisEventStore(client: RedisClient, options: RedisEventStoreOptions = {}): CallbackEventStore {
  const redis = checkRedisClient(client, "createRedisEventStore");
  const keyPrefix = options.keyPrefix ?? "instacart-connect:event:";
  if (typeof keyPrefix !== "string") throw new ConnectConfigError("`keyPrefix` must be a string.");
  const leaseMs = checkMilliseconds(options.leaseMs ?? 60_000, "leaseMs");
  const processedTtlMs = checkMilliseconds(options.processedTtlMs ?? 7 * 24 * 3600_000, "processedTtlMs");
  const run = (script: string, eventId: string, args: string[]): Promise<unknown> => runScript(redis, script, keyPrefix + eventId, args);

  return {
    async claim(eventId): Promise<CallbackClaim> {
      const token = crypto.randomUUID();
      const answer = await run(CLAIM, eventId, [token, String(leaseMs)]);
      if (answer === "claimed") return { status: "claimed", lease: { eventId, token, leaseMs } };
      if (answer === "processed" || answer === "in_flight") return { status: answer };
      throw unexpected("claim", eventId, answer);
    },
    async extend(lease) {
      return held("extend", lease, await run(EXTEND, lease.eventId, [lease.token, String(leaseMs)]));
    },
    async complete(lease) {
      return held("complete", lease, await run(COMPLETE, lease.eventId, [lease.token, String(processedTtlMs)]));
    },
    async release(lease) {
      return held("release", lease, await run(RELEASE, lease.eventId, [lease.token]));
    },
  };
}

/** 1 → true, 0 → false; anything else is an error. */
function held(operation: string, lease: CallbackEventLease, answer: unknown): boolean {
  if (answer === 1 || answer === 0) return answer === 1;
  throw unexpected(operation, lease.eventId, answer);
}

function unexpected(operation: string, eventId: string, answer: unknown): ConnectEventStoreError {
  const shown = typeof answer === "string" ? JSON.stringify(answer.slice(0, 100)) : String(answer);
  return new ConnectEventStoreError(
    `Redis answered ${operation} of event ${eventId} with ${shown}, which the store's script never returns.`,
  );
}
