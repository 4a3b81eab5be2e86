/**
 * One receiver instance for the multi-process test (run with `node --import tsx`): the token endpoint
 * and the callback handler on node:http at 127.0.0.1, sharing a Redis or PostgreSQL event store and
 * a signing secret with its siblings. It appends each event it completes to its own log file, fails
 * some handlers at random, and on a delivery marked `x-test-stall` waits until its lease is lost.
 * Prints `READY <port>`, then `STALL <id>` / `ABORTED <id>` as stalls happen.
 */
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createClient } from "redis";
import { toNodeListener } from "../../src/adapters/node.ts";
import {
  type CallbackEventContext,
  type CallbackEventStore,
  createCallbackHandler,
  createCallbackTokenHandler,
  createCallbackTokenVerifier,
} from "../../src/events/index.ts";
import { createPostgresEventStore } from "../../src/stores/postgres.ts";
import { createRedisEventStore } from "../../src/stores/redis.ts";

const { STORE, STORE_URL, LOG_FILE, FAIL_RATE, LEASE_MS, SIGNING_SECRET, KEY_PREFIX, TABLE } = process.env;
const leaseMs = Number(LEASE_MS);

async function connectStore(): Promise<{ store: CallbackEventStore; close(): Promise<void> }> {
  if (STORE === "redis") {
    const redis = createClient({ url: STORE_URL ?? "" });
    await redis.connect();
    return { store: createRedisEventStore(redis, { leaseMs, keyPrefix: KEY_PREFIX ?? "" }), close: () => redis.close() };
  }
  const pool = new pg.Pool({ connectionString: STORE_URL, max: 8 });
  return { store: createPostgresEventStore(pool, { leaseMs, table: TABLE ?? "events" }), close: () => pool.end() };
}

const { store } = await connectStore();
const authorize = createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET ?? "" });
const onError = (error: unknown, stage: string): void => {
  if (stage !== "handler") process.stderr.write(`${stage}: ${String(error)}\n`);
};

const normal = createCallbackHandler({
  authorize,
  store,
  onError,
  async onEvent(event, { signal }) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5)); // the work
    if (Math.random() < Number(FAIL_RATE)) throw new Error("random handler failure");
    signal.throwIfAborted();
    appendFileSync(LOG_FILE ?? "", `${event.event_id}\n`);
  },
});
const stalling = createCallbackHandler({
  authorize,
  store,
  onError,
  onEvent: (event, { signal }: CallbackEventContext) =>
    new Promise<void>((_, reject) => {
      signal.addEventListener("abort", () => {
        process.stdout.write(`ABORTED ${event.event_id}\n`);
        reject(signal.reason);
      });
      process.stdout.write(`STALL ${event.event_id}\n`);
    }),
});
const tokens = createCallbackTokenHandler({ clientId: "instacart", clientSecret: "secret", signingSecret: SIGNING_SECRET ?? "" });

const server = createServer(
  toNodeListener((request) => {
    if (new URL(request.url).pathname === "/oauth/token") return tokens(request);
    return request.headers.has("x-test-stall") ? stalling(request) : normal(request);
  }),
);
server.listen(0, "127.0.0.1", () => process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`));
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
