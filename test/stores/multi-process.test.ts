/**
 * 4 receiver processes (test/stores/receiver-process.ts) behind a simulated load balancer share one
 * event store, first on Redis, then on PostgreSQL, and get 1,000 events the way Instacart sends
 * them: duplicates, any order, retries of every 5xx and connection failure, with handlers failing at
 * random and leases that expire under a stalled handler. Every event's handler completes exactly
 * once, every event is acknowledged, and nothing acknowledged is lost. A token from one instance's
 * token endpoint is used on all of them. Slow suite.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { startPostgresServer } from "../support/postgres-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import { eventBody, requestCallbackToken } from "../unit/callback-server.ts";

const EVENTS = 1_000;
const RECEIVERS = 4;
const STALLS = 10;
const LEASE_MS = 3_000;
const SIGNING_SECRET = "multi-process-signing-secret-32-bytes!";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Receiver {
  child: ChildProcess;
  origin: string;
  lines: string[];
}

async function startReceiver(env: Record<string, string>): Promise<Receiver> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/stores/receiver-process.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGTERM");
    await exited;
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Uint8Array) => {
      buffered += new TextDecoder().decode(chunk);
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      for (const line of complete) {
        lines.push(line);
        const ready = /^READY (\d+)$/.exec(line);
        if (ready) resolve(Number(ready[1]));
      }
    });
    void exited.then(() => reject(new Error(`receiver exited:\n${stderr}`)));
  });
  return { child, origin: `http://127.0.0.1:${port}`, lines };
}

interface Counts {
  deliveries: number;
  processed: number;
  duplicate: number;
  handlerFailed: number;
  inFlight: number;
  otherStatus: number;
  connectionErrors: number;
  stalls: number;
  aborted: number;
}

/**
 * Instacart's side: every event once plus 30% duplicates, shuffled, 32 at a time to random receivers;
 * a 5xx or a failed connection is retried later. `expireLease` is called when a receiver reports a stall.
 */
async function deliverAll(
  receivers: Receiver[],
  token: string,
  expireLease: (eventId: string) => Promise<void>,
): Promise<{ counts: Counts; acknowledged: Set<string>; ids: string[] }> {
  const ids = Array.from({ length: EVENTS }, (_, index) => `${7_000_000_000_000_000_000n + BigInt(index) * 7_919n}`);
  // The first STALLS events arrive once, marked to stall (so that attempt is surely the one that claims them).
  const stalling = new Set(ids.slice(0, STALLS));
  const duplicates = ids.filter((id) => !stalling.has(id) && Math.random() < 0.3);
  const queue = [...ids, ...duplicates].map((id) => ({ id, stall: stalling.has(id) }));
  shuffle(queue);
  const counts: Counts = {
    deliveries: 0,
    processed: 0,
    duplicate: 0,
    handlerFailed: 0,
    inFlight: 0,
    otherStatus: 0,
    connectionErrors: 0,
    stalls: 0,
    aborted: 0,
  };
  const acknowledged = new Set<string>();
  const stalled = new Set<string>();
  const watchStalls = setInterval(() => {
    for (const line of receivers.flatMap((receiver) => receiver.lines)) {
      const stall = /^STALL (\d+)$/.exec(line)?.[1];
      if (stall && !stalled.has(stall)) {
        stalled.add(stall);
        // The stalled delivery's lease runs out (a GC pause, a frozen VM); Instacart retries it meanwhile.
        void expireLease(stall).then(() => queue.push({ id: stall, stall: false }));
      }
    }
  }, 20);
  let pending = 0;
  const deliverOne = async (delivery: { id: string; stall: boolean }): Promise<void> => {
    const receiver = receivers[Math.floor(Math.random() * receivers.length)]!;
    // Half the events carry their ID as a string of digits, as third-party test data does.
    const body = eventBody(BigInt(delivery.id) % 2n === 0n ? `"${delivery.id}"` : delivery.id, "fulfillment.brand_new");
    counts.deliveries++;
    try {
      const response = await fetch(`${receiver.origin}/instacart/callbacks`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(delivery.stall ? { "x-test-stall": "1" } : {}),
        },
        body,
      });
      const answer = (await response.json()) as { status?: string; error?: string };
      if (response.status === 200) {
        acknowledged.add(delivery.id);
        if (answer.status === "processed") counts.processed++;
        else counts.duplicate++;
        return;
      }
      if (response.status === 500 && answer.error === "handler_failed") counts.handlerFailed++;
      else if (response.status === 503) counts.inFlight++;
      else counts.otherStatus++;
    } catch {
      counts.connectionErrors++;
    }
    queue.push({ id: delivery.id, stall: false }); // Instacart retries
  };
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (pending < 32 && queue.length > 0) {
        const next = queue.splice(Math.floor(Math.random() * Math.min(queue.length, 64)), 1)[0]!;
        pending++;
        void deliverOne(next).finally(() => {
          pending--;
          if (queue.length === 0 && pending === 0 && (stalled.size >= STALLS || counts.deliveries > 20 * EVENTS)) resolve();
          else setImmediate(pump);
        });
      }
      if (queue.length === 0 && pending === 0) setTimeout(pump, 20); // a stalled event's retry is on its way
    };
    pump();
  });
  clearInterval(watchStalls);
  const lines = receivers.flatMap((receiver) => receiver.lines);
  counts.stalls = lines.filter((line) => line.startsWith("STALL ")).length;
  counts.aborted = lines.filter((line) => line.startsWith("ABORTED ")).length;
  return { counts, acknowledged, ids };
}

/** Resolves once each receiver reported as many aborts as stalls (its heartbeat runs every LEASE_MS / 3). */
async function everyStallAborted(receivers: Receiver[]): Promise<void> {
  const settled = (receiver: Receiver): boolean =>
    receiver.lines.filter((line) => line.startsWith("STALL ")).length ===
    receiver.lines.filter((line) => line.startsWith("ABORTED ")).length;
  while (!receivers.every(settled)) await new Promise((resolve) => setTimeout(resolve, 50));
}

function shuffle<T>(items: T[]): void {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
}

async function runScenario(storeEnv: Record<string, string>, expireLease: (eventId: string) => Promise<void>): Promise<Counts> {
  const dir = await mkdtemp(join(tmpdir(), "receivers-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const receivers = await Promise.all(
    Array.from({ length: RECEIVERS }, (_, index) =>
      startReceiver({
        ...storeEnv,
        LOG_FILE: join(dir, `receiver-${index}.log`),
        FAIL_RATE: "0.1",
        LEASE_MS: String(LEASE_MS),
        SIGNING_SECRET,
      }),
    ),
  );
  // One token, from the first instance's token endpoint, for every instance.
  const { accessToken: token } = await requestCallbackToken(receivers[0]!.origin);
  const { counts, acknowledged, ids } = await deliverAll(receivers, token, expireLease);
  await everyStallAborted(receivers);
  counts.aborted = receivers.flatMap((receiver) => receiver.lines).filter((line) => line.startsWith("ABORTED ")).length;
  const completions = (await Promise.all(receivers.map((_, index) => readFile(join(dir, `receiver-${index}.log`), "utf8").catch(() => ""))))
    .join("")
    .split("\n")
    .filter(Boolean);
  const perEvent = new Map<string, number>();
  for (const id of completions) perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
  console.info(`multi-process ${storeEnv.STORE}: ${JSON.stringify({ ...counts, completions: completions.length, events: ids.length })}`);
  expect(acknowledged.size).toBe(EVENTS); // every event acknowledged
  expect([...perEvent.values()].filter((times) => times !== 1)).toEqual([]); // no handler completed twice
  expect(ids.filter((id) => !perEvent.has(id))).toEqual([]); // nothing acknowledged was lost
  expect(completions).toHaveLength(EVENTS);
  expect(counts.processed).toBe(EVENTS);
  expect(counts.handlerFailed).toBeGreaterThan(0);
  expect(counts.stalls).toBe(STALLS);
  expect(counts.aborted).toBe(STALLS);
  expect(counts.otherStatus).toBe(0);
  return counts;
}

describe("4 receiver processes sharing one event store", () => {
  it("on Redis: 1,000 events with duplicates, reordering, failures and expired leases complete exactly once each", async () => {
    const server = await startRedisServer();
    cleanups.push(() => server.stop());
    const redis = createClient({ url: server.url });
    await redis.connect();
    cleanups.push(() => redis.close());
    await runScenario({ STORE: "redis", STORE_URL: server.url, KEY_PREFIX: "mp:" }, async (eventId) => {
      await redis.eval("if string.sub(redis.call('GET', KEYS[1]) or '', 1, 8) == 'claimed:' then redis.call('DEL', KEYS[1]) end", {
        keys: [`mp:${eventId}`],
      });
    });
  });

  it("on PostgreSQL: 1,000 events with duplicates, reordering, failures and expired leases complete exactly once each", async () => {
    const server = await startPostgresServer();
    cleanups.push(() => server.stop());
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    cleanups.push(() => pool.end());
    const { createPostgresEventStore } = await import("../../src/stores/postgres.ts");
    await createPostgresEventStore(pool, { table: "mp_events" }).createTable();
    await runScenario({ STORE: "postgres", STORE_URL: server.url, TABLE: "mp_events" }, async (eventId) => {
      await pool.query(
        "UPDATE mp_events SET lease_expires_at = clock_timestamp() - interval '1 millisecond' WHERE event_id = $1 AND processed_at IS NULL",
        [eventId],
      );
    });
  });
});
