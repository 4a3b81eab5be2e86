/**
 * The Redis a store test file shares: Debian's redis-server (test/support/redis-server.ts), started
 * before the file's tests and stopped after them, with a node-redis and an ioredis client of it.
 */
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll } from "vitest";
import { type RedisServer, startRedisServer } from "../support/redis-server.ts";

export interface RedisSetup {
  readonly server: RedisServer;
  readonly nodeRedis: ReturnType<typeof createClient>;
  readonly ioredis: Redis;
}

/** Registers the hooks that start Redis and connect both clients for the file calling it, and stop them after. */
export function redisPerFile(): RedisSetup {
  let server: RedisServer | undefined;
  let nodeRedis: ReturnType<typeof createClient> | undefined;
  let ioredis: Redis | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
    nodeRedis = createClient({ url: server.url });
    await nodeRedis.connect();
    ioredis = new Redis(server.url, { lazyConnect: true });
    await ioredis.connect();
  });
  afterAll(async () => {
    await nodeRedis?.close();
    ioredis?.disconnect();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("redisPerFile: Redis runs only while the file's tests run");
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get nodeRedis() {
      return started(nodeRedis);
    },
    get ioredis() {
      return started(ioredis);
    },
  };
}
