/**
 * One API worker process for the shared token cache test (run with `node --import tsx`): a client
 * whose `tokenCache` is Redis (node-redis or ioredis, as CLIENT says). It connects, prints `READY`,
 * and on `GO` (stdin) makes calls of two scopes at once: createUser (`connect:fulfillment`) and
 * createOrUpdateOrderFeedback (`Connect::Orders::RatingService`). Then prints `DONE` and exits.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { createConnectClient } from "../../src/index.ts";
import { createRedisTokenCache, type RedisClient } from "../../src/stores/redis.ts";

const { REDIS_URL = "", SERVER = "", KEY_PREFIX = "", CLIENT = "node-redis" } = process.env;

async function connectRedis(): Promise<{ redis: RedisClient; close(): unknown }> {
  if (CLIENT === "ioredis") {
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    return { redis, close: () => redis.disconnect() };
  }
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  return { redis, close: () => redis.close() };
}

const { redis, close } = await connectRedis();
const connect = createConnectClient({
  server: SERVER,
  clientId: "workers",
  clientSecret: "workers-secret",
  tokenCache: createRedisTokenCache(redis, { keyPrefix: KEY_PREFIX }),
});
process.stdout.write("READY\n");
await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
const calls = Array.from({ length: 3 }, (_, i) => [
  connect.POST("/v2/fulfillment/users", { body: { user_id: `u-${process.pid}-${i}`, first_name: "Ada" } }),
  connect.POST("/v2/feedback/users/{user_id}/orders/{order_id}/rating", {
    params: { path: { user_id: `u-${process.pid}`, order_id: `o-${i}` } },
    body: { rating: 5 } as never,
  }),
]).flat();
const statuses = (await Promise.all(calls)).map((result) => result.response.status);
process.stdout.write(`DONE ${JSON.stringify(statuses)}\n`);
await close();
process.stdin.destroy();
