/**
 * The two Redis client shapes the stores accept, and one way to run a Lua script on either, so the
 * stores stay atomic (one script per operation) whatever client the user already has connected.
 */
import { ConnectConfigError } from "../errors.js";

/** node-redis 4 and 5 (`createClient()`, `createCluster()`): `eval(script, { keys, arguments })`. */
export interface NodeRedisClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** ioredis and iovalkey (`new Redis()`, `new Cluster()`): `eval(script, numberOfKeys, ...keysThenArguments)`. */
export interface IoRedisClient {
  eval(script: string, numberOfKeys: number, ...keysThenArguments: string[]): Promise<unknown>;
  defineCommand(name: string, definition: { numberOfKeys?: number; lua: string }): void;
}

/** A connected Redis or Valkey client: node-redis, ioredis or iovalkey. */
export type RedisClient = NodeRedisClient | IoRedisClient;

/** Runs `script` with one key; the reply as the client gives it. */
export function runScript(client: RedisClient, script: string, key: string, args: string[]): Promise<unknown> {
  if (typeof (client as IoRedisClient).defineCommand === "function") {
    return (client as IoRedisClient).eval(script, 1, key, ...args);
  }
  return (client as NodeRedisClient).eval(script, { keys: [key], arguments: args });
}

/** Throws a `ConnectConfigError` for something that is neither client shape (found when the store is created). */
export function checkRedisClient(client: unknown, what: string): RedisClient {
  if (typeof client !== "object" || client === null || typeof (client as { eval?: unknown }).eval !== "function") {
    throw new ConnectConfigError(`${what} needs a connected node-redis, ioredis or iovalkey client (an object with \`eval\`).`);
  }
  return client as RedisClient;
}
