/**
 * createRedisTokenCache on a real Redis (Debian's redis-server on 127.0.0.1 and a free port, stopped
 * by PID), through node-redis and ioredis: its four operations, then 8 worker processes
 * (test/stores/token-worker.ts) on a cold cache making calls of two scopes at once (one token request
 * per scope), and a token refused with 401 dropped by delete-if-same only. Slow suite.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { createConnectClient } from "../../src/index.ts";
import { createRedisTokenCache, type RedisClient } from "../../src/stores/redis.ts";
import { issueToken, startFakeConnect, type FakeConnect } from "../support/fake-connect.ts";
import { redisPerFile } from "./redis-fixture.ts";

const setup = redisPerFile();
let fake: FakeConnect;
beforeAll(async () => {
  fake = await startFakeConnect();
});
afterAll(async () => {
  await fake?.close();
});

let prefixes = 0;
const freshPrefix = () => `test:token:${Date.now()}:${prefixes++}:`;

describe.each([
  ["node-redis", () => setup.nodeRedis as RedisClient],
  ["ioredis", () => setup.ioredis as RedisClient],
])("createRedisTokenCache with %s", (_name, redis) => {
  it("stores a value for its lifetime, and gives it back", async () => {
    const keyPrefix = freshPrefix();
    const cache = createRedisTokenCache(redis(), { keyPrefix });
    expect(await cache.get("k")).toBeUndefined();
    await cache.set("k", "1 2 tok-a", 60_000);
    expect(await cache.get("k")).toBe("1 2 tok-a");
    const ttl = await setup.ioredis.pttl(`${keyPrefix}k`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("deletes a key only while it holds the value it was given (delete-if-same)", async () => {
    const cache = createRedisTokenCache(redis(), { keyPrefix: freshPrefix() });
    await cache.set("k", "1 2 tok-new", 60_000);
    await cache.delete("k", "1 2 tok-old");
    expect(await cache.get("k")).toBe("1 2 tok-new");
    await cache.delete("k", "1 2 tok-new");
    expect(await cache.get("k")).toBeUndefined();
  });

  it("lends its lock to one holder at a time, released by that holder only", async () => {
    const keyPrefix = freshPrefix();
    const cache = createRedisTokenCache(redis(), { keyPrefix });
    const lock = cache.lock!;
    const release = await lock("k", 60_000);
    expect(release).toBeTypeOf("function");
    expect(await lock("k", 60_000)).toBeUndefined();
    await release!();
    const next = await lock("k", 60_000);
    expect(next).toBeTypeOf("function");
    // A holder whose lock expired and was taken by another cannot release the new holder's lock.
    await setup.ioredis.del(`${keyPrefix}lock:k`);
    const third = await lock("k", 60_000);
    await next!();
    expect(await lock("k", 60_000)).toBeUndefined();
    await third!();
  });
});

interface Worker {
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "test/stores/token-worker.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let buffered = "";
  child.stdout?.on("data", (chunk: Uint8Array) => {
    buffered += new TextDecoder().decode(chunk);
    const complete = buffered.split("\n");
    buffered = complete.pop() ?? "";
    lines.push(...complete);
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Uint8Array) => {
    stderr += new TextDecoder().decode(chunk);
  });
  const exited = new Promise<void>((resolve, reject) =>
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}:\n${stderr}`)))),
  );
  return { child, lines, exited };
}

describe("8 worker processes on one Redis token cache", () => {
  it("make one token request per scope on a cold cache, and all use those tokens", async () => {
    const keyPrefix = freshPrefix();
    // A token endpoint slow enough (200 ms) that every worker asks while the first request is out.
    fake.on("POST /v2/oauth/token", (request, f) => ({ ...(issueToken(request, f) as object), delay: 200 }));
    const workers = Array.from({ length: 8 }, (_, i) =>
      startWorker({ REDIS_URL: setup.server.url, SERVER: fake.url, KEY_PREFIX: keyPrefix, CLIENT: i % 2 === 0 ? "node-redis" : "ioredis" }),
    );
    try {
      await Promise.all(workers.map((worker) => waitForLine(worker, "READY")));
      for (const worker of workers) worker.child.stdin?.write("GO\n");
      await Promise.all(workers.map((worker) => worker.exited));
    } finally {
      for (const worker of workers) if (worker.child.exitCode === null && worker.child.pid) process.kill(worker.child.pid, "SIGTERM");
    }
    for (const worker of workers) expect(worker.lines.at(-1)).toBe(`DONE ${JSON.stringify([200, 200, 200, 200, 200, 200])}`);
    const scopes = fake.tokenRequests.map((request) => (request.json as { scope: string }).scope).sort();
    expect(scopes).toEqual(["Connect::Orders::RatingService", "connect:fulfillment"]);
    const used = (route: RegExp) =>
      new Set(fake.requests.filter((r) => route.test(`${r.method} ${r.path}`)).map((r) => r.headers.authorization));
    expect(used(/^POST \/v2\/fulfillment\/users$/).size).toBe(1);
    expect(used(/^POST \/v2\/feedback\//).size).toBe(1);
  });
});

describe("a token refused with 401", () => {
  it("is dropped from Redis by delete-if-same only: a fresher token another process stored stays", async () => {
    const keyPrefix = freshPrefix();
    fake.on("POST /v2/oauth/token", issueToken);
    const make = () =>
      createConnectClient({
        server: fake.url,
        clientId: "refused",
        clientSecret: "refused-secret",
        retryDelay: 0,
        tokenCache: createRedisTokenCache(setup.nodeRedis as RedisClient, { keyPrefix }),
      });
    const createUser = (connect: ReturnType<typeof make>) =>
      connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } });
    const first = make();
    const second = make();
    const tokensBefore = fake.issued.length;
    await createUser(first);
    await createUser(second);
    const firstToken = fake.issued.at(-1);
    fake.on("POST /v2/fulfillment/users", (request) =>
      request.headers.authorization === `Bearer ${firstToken}`
        ? { status: 401, body: { error: { message: "expired" } } }
        : { body: { ok: true } },
    );
    await createUser(first);
    const stored = async () => (await setup.ioredis.keys(`${keyPrefix}*`)).filter((key) => !key.includes("lock:"));
    const [key] = await stored();
    const fresh = await setup.ioredis.get(key!);
    expect(fresh).toMatch(new RegExp(` ${fake.issued.at(-1)}$`));
    expect(fresh).not.toContain(firstToken);
    // The second process still holds the refused token in memory: its 401 must not drop the fresh one.
    const { response } = await createUser(second);
    expect(response.status).toBe(200);
    expect(await setup.ioredis.get(key!)).toBe(fresh);
    expect(fake.issued.length - tokensBefore).toBe(2);
    expect(JSON.stringify(await setup.ioredis.mget(await stored()))).not.toContain("refused-secret");
  });
});

function waitForLine(worker: Worker, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (worker.lines.includes(line)) {
        clearInterval(check);
        resolve();
      }
    }, 10);
    worker.exited.catch((error: unknown) => {
      clearInterval(check);
      reject(error);
    });
  });
}
