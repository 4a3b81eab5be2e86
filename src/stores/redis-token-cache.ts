/**
 * A `SharedTokenCache` on Redis or Valkey (the client's `tokenCache` option): the processes of one
 * application share their Connect tokens, and one of them at a time asks the token endpoint. Each
 * operation is one Lua script (delete-if-same and the lock's release compare and delete atomically).
 * Bring your own connected client: node-redis, ioredis or iovalkey.
 */
import type { SharedTokenCache } from "../auth/shared-token-cache.js";
import { ConnectConfigError } from "../errors.js";
import { checkRedisClient, type RedisClient, runScript } from "./redis-client.js";

export interface RedisTokenCacheOptions {
  /** Prefix of the cache's keys. Default `instacart-connect:token:` (locks: `<prefix>lock:<key>`). */
  keyPrefix?: string;
}

// KEYS[1] the key. ARGV: as each script says.
const GET = "return redis.call('GET', KEYS[1])";
/** ARGV[1] the value, ARGV[2] its lifetime in ms. */
const SET = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1";
/** ARGV[1] the value the key must still hold. */
const DELETE_IF_SAME = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
/** ARGV[1] the holder's token, ARGV[2] the lock's lifetime in ms. */
const LOCK = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end return 0";

/** At least 1 ms, whole (Redis refuses a PX of 0 or a fraction). */
const milliseconds = (ms: number): string => String(Math.max(1, Math.ceil(ms)));

/**
 * A shared token cache on Redis or Valkey:
 *
 * ```ts
 * import { createClient } from "redis"; // or: import { Redis } from "ioredis"
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const connect = createConnectClient({ server: "production", clientId, clientSecret, tokenCache: createRedisTokenCache(redis) });
 * ```
 */
export function createRedisTokenCache(client: RedisClient, options: RedisTokenCacheOptions = {}): SharedTokenCache {
  const redis = checkRedisClient(client, "createRedisTokenCache");
  const keyPrefix = options.keyPrefix ?? "instacart-connect:token:";
  if (typeof keyPrefix !== "string") throw new ConnectConfigError("`keyPrefix` must be a string.");
  return {
    async get(key) {
      const value = await runScript(redis, GET, keyPrefix + key, []);
      return typeof value === "string" ? value : undefined;
    },
    async set(key, value, ttl) {
      await runScript(redis, SET, keyPrefix + key, [value, milliseconds(ttl)]);
    },
    async delete(key, value) {
      await runScript(redis, DELETE_IF_SAME, keyPrefix + key, [value]);
    },
    async lock(key, ttl) {
      const lockKey = `${keyPrefix}lock:${key}`;
      const holder = crypto.randomUUID();
      if ((await runScript(redis, LOCK, lockKey, [holder, milliseconds(ttl)])) !== 1) return undefined;
      // Released only by its holder: after its lifetime, another process may hold it.
      return async () => void (await runScript(redis, DELETE_IF_SAME, lockKey, [holder]));
    },
  };
}
