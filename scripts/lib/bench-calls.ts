/**
 * Per-call overhead: the same GET (`getOrder`) and POST (`createUser` with the spec's small JSON body)
 * made five ways against the same server through the same keep-alive agent (Node's global fetch,
 * undici), each parsing the JSON body and checking one field:
 *   - `fetch`: raw `fetch(url, init)` + `await res.json()`;
 *   - `fetch+timeout` (a reference, sequential only): raw fetch with what the client guarantees per
 *     attempt: an AbortController and a timer for the timeout, `redirect: "manual"`, and the body
 *     read inside the timeout before parsing;
 *   - `openapi-fetch`: a bare openapi-fetch client with a fixed `Authorization` header;
 *   - `openapi-fetch+timeout` (a reference, sequential only): that client with a `fetch` that gives
 *     the same per-attempt guarantees as `fetch+timeout`, what a careful user of openapi-fetch writes;
 *   - `instacart-connect`: this package's client as users run it (the build, or an esbuild bundle of
 *     the sources: see bench-package.ts), client credentials, token cached after warm-up.
 * The variants alternate in small blocks, in a rotating order, so that machine noise hits all three
 * alike; each round yields a median, a p99 and a throughput per variant, and the table reports the
 * median over rounds.
 */
import createClient from "openapi-fetch";
import type { paths } from "../../generated/schema.ts";
import { importPackage } from "./bench-package.ts";
import { benchFixtures, GET_PATH, POST_PATH } from "./bench-server.ts";
import { fetchBenchToken } from "./bench-token.ts";
import { latencySummary, median } from "./bench-stats.ts";

export const VARIANTS = ["fetch", "fetch+timeout", "openapi-fetch", "openapi-fetch+timeout", "instacart-connect"] as const;
export type VariantName = (typeof VARIANTS)[number];
export type Method = "GET" | "POST";
export type Call = () => Promise<void>;

export const USER_ID = "johnsmith6000";
export const ORDER_ID = "order-20261127-0001";

/** The ways of making the two calls. Every call checks the parsed body, so a broken variant fails loudly. */
export async function createVariants(url: string): Promise<Record<VariantName, Record<Method, Call>>> {
  const { order, user, userBody } = benchFixtures();
  const checkOrder = (data: unknown): void => {
    if ((data as { id?: unknown } | undefined)?.id !== order.id) throw new Error(`unexpected GET body: ${JSON.stringify(data)}`);
  };
  const checkUser = (data: unknown): void => {
    if ((data as { user_id?: unknown } | undefined)?.user_id !== user.user_id)
      throw new Error(`unexpected POST body: ${JSON.stringify(data)}`);
  };

  // One client-credentials token for the baselines.
  const token = await fetchBenchToken(url);
  const authorization = `Bearer ${token}`;

  const raw: Record<Method, Call> = {
    async GET() {
      const res = await fetch(`${url}/v2/fulfillment/users/${encodeURIComponent(USER_ID)}/orders/${encodeURIComponent(ORDER_ID)}`, {
        headers: { Accept: "application/json", Authorization: authorization },
      });
      if (!res.ok) throw new Error(`fetch GET: HTTP ${res.status}`);
      checkOrder(await res.json());
    },
    async POST() {
      const res = await fetch(`${url}${POST_PATH}`, {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: authorization },
        body: JSON.stringify(userBody),
      });
      if (!res.ok) throw new Error(`fetch POST: HTTP ${res.status}`);
      checkUser(await res.json());
    },
  };

  const decoder = new TextDecoder();
  /** fetch with a per-attempt timeout that covers the body, as the client does it. */
  const guarded = async (input: string, init: RequestInit): Promise<{ ok: boolean; status: number; data: unknown }> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 60_000);
    try {
      const res = await fetch(input, { ...init, signal: controller.signal, redirect: "manual" });
      const body = await res.arrayBuffer();
      return { ok: res.ok, status: res.status, data: JSON.parse(decoder.decode(body)) };
    } finally {
      clearTimeout(timer);
    }
  };
  const rawTimeout: Record<Method, Call> = {
    async GET() {
      const res = await guarded(`${url}/v2/fulfillment/users/${encodeURIComponent(USER_ID)}/orders/${encodeURIComponent(ORDER_ID)}`, {
        headers: { Accept: "application/json", Authorization: authorization },
      });
      if (!res.ok) throw new Error(`fetch+timeout GET: HTTP ${res.status}`);
      checkOrder(res.data);
    },
    async POST() {
      const res = await guarded(`${url}${POST_PATH}`, {
        method: "POST",
        headers: { Accept: "application/json", "Content-Type": "application/json", Authorization: authorization },
        body: JSON.stringify(userBody),
      });
      if (!res.ok) throw new Error(`fetch+timeout POST: HTTP ${res.status}`);
      checkUser(res.data);
    },
  };

  /** openapi-fetch's `fetch` with the floor's guarantees: a timeout that covers the body, no redirects. */
  const timedFetch = async (request: Request): Promise<Response> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 60_000);
    try {
      const res = await fetch(request, { signal: controller.signal, redirect: "manual" });
      return new Response(await res.arrayBuffer(), res);
    } finally {
      clearTimeout(timer);
    }
  };
  const openapiFetchCalls = (name: string, fetchOption?: typeof timedFetch): Record<Method, Call> => {
    const headers = { Accept: "application/json", Authorization: authorization };
    const client = createClient<paths>({ baseUrl: url, headers, ...(fetchOption && { fetch: fetchOption }) });
    return {
      async GET() {
        const { data, response } = await client.GET(GET_PATH, { params: { path: { user_id: USER_ID, order_id: ORDER_ID } } });
        if (!response.ok) throw new Error(`${name} GET: HTTP ${response.status}`);
        checkOrder(data);
      },
      async POST() {
        const { data, response } = await client.POST(POST_PATH, { body: userBody as never });
        if (!response.ok) throw new Error(`${name} POST: HTTP ${response.status}`);
        checkUser(data);
      },
    };
  };

  const { createConnectClient } = await importPackage();
  const connect = createConnectClient({ server: url, clientId: "bench", clientSecret: "bench-secret" });
  const ours: Record<Method, Call> = {
    async GET() {
      const { data, response } = await connect.GET(GET_PATH, { params: { path: { user_id: USER_ID, order_id: ORDER_ID } } });
      if (!response.ok) throw new Error(`instacart-connect GET: HTTP ${response.status}`);
      checkOrder(data);
    },
    async POST() {
      const { data, response } = await connect.POST(POST_PATH, { body: userBody as never });
      if (!response.ok) throw new Error(`instacart-connect POST: HTTP ${response.status}`);
      checkUser(data);
    },
  };

  return {
    fetch: raw,
    "fetch+timeout": rawTimeout,
    "openapi-fetch": openapiFetchCalls("openapi-fetch"),
    "openapi-fetch+timeout": openapiFetchCalls("openapi-fetch+timeout", timedFetch),
    "instacart-connect": ours,
  };
}

/** `n` calls one after another; each latency goes to `samples[offset + i]`. Returns the elapsed ms. */
export async function runSequential(call: Call, n: number, samples: Float64Array, offset: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    samples[offset + i] = performance.now() - t0;
  }
  return performance.now() - started;
}

/** `n` calls with `concurrency` in flight at all times (until the end); returns the elapsed ms. */
export async function runConcurrent(call: Call, n: number, concurrency: number, samples: Float64Array, offset: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const t0 = performance.now();
      await call();
      samples[offset + i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return performance.now() - started;
}

export interface ModeStats {
  /** Median over rounds of each round's median latency, in ms. */
  median: number;
  /** Median over rounds of each round's p99 latency, in ms. */
  p99: number;
  /** Median over rounds of calls per second. */
  throughput: number;
  /** Median over rounds of (this variant's median / raw fetch's median in the same round). */
  ratio: number;
  /** Median over rounds of this process's CPU time (user + system) per call, in ms. */
  cpu: number;
  /** Every round's median, for the record (and ratios to another variant, round by round). */
  roundMedians: number[];
  /** Every round's CPU per call. */
  roundCpu: number[];
}

/** The median over rounds of `a`'s value ÷ `b`'s in the same round: machine noise hits both alike. */
export function roundRatio(a: readonly number[], b: readonly number[]): number {
  return median(a.map((value, i) => value / b[i]!));
}

export interface ModeOptions {
  /** Calls per variant, over all rounds. */
  calls: number;
  /** 1 = sequential. */
  concurrency: number;
  rounds: number;
  /** Each round is cut into this many blocks; every block runs each variant once, in a rotating order. */
  blocks: number;
}

/** Measures one method in one mode (sequential or concurrent) for the given variants, interleaved. */
export async function measureMode<Name extends VariantName>(
  variants: Record<VariantName, Record<Method, Call>>,
  method: Method,
  options: ModeOptions,
  names: readonly Name[],
): Promise<Record<Name, ModeStats>> {
  const { calls, concurrency, rounds, blocks } = options;
  const perBlock = Math.ceil(calls / rounds / blocks);
  const zero = (): Record<Name, number> => Object.fromEntries(names.map((name) => [name, 0])) as Record<Name, number>;
  const perRound = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<
    Name,
    { median: number; p99: number; throughput: number; cpu: number }[]
  >;
  let rotation = 0;
  for (let round = 0; round < rounds; round++) {
    const samples = Object.fromEntries(names.map((name) => [name, new Float64Array(perBlock * blocks)])) as Record<Name, Float64Array>;
    const elapsed = zero();
    const cpu = zero();
    for (let block = 0; block < blocks; block++) {
      rotation += 1;
      for (let k = 0; k < names.length; k++) {
        const name = names[(rotation + k) % names.length]!;
        const call = variants[name][method];
        const offset = block * perBlock;
        const cpuBefore = process.cpuUsage();
        elapsed[name] +=
          concurrency <= 1
            ? await runSequential(call, perBlock, samples[name], offset)
            : await runConcurrent(call, perBlock, concurrency, samples[name], offset);
        const used = process.cpuUsage(cpuBefore);
        cpu[name] += (used.user + used.system) / 1000;
      }
    }
    for (const name of names) {
      const { median: m, p99 } = latencySummary(samples[name]);
      perRound[name].push({
        median: m,
        p99,
        throughput: (perBlock * blocks) / (elapsed[name] / 1000),
        cpu: cpu[name] / (perBlock * blocks),
      });
    }
  }
  const baseline = (perRound as Record<string, { median: number }[]>).fetch;
  const out = {} as Record<Name, ModeStats>;
  for (const name of names) {
    const list = perRound[name];
    out[name] = {
      median: median(list.map((r) => r.median)),
      p99: median(list.map((r) => r.p99)),
      throughput: median(list.map((r) => r.throughput)),
      ratio: baseline ? median(list.map((r, i) => r.median / baseline[i]!.median)) : Number.NaN,
      cpu: median(list.map((r) => r.cpu)),
      roundMedians: list.map((r) => r.median),
      roundCpu: list.map((r) => r.cpu),
    };
  }
  return out;
}

/** Warms the JIT and the connection pool: every variant and method, sequentially and concurrently. */
export async function warmUp(variants: Record<VariantName, Record<Method, Call>>, calls: number, concurrency: number): Promise<void> {
  const scratch = new Float64Array(calls);
  for (const name of VARIANTS) {
    for (const method of ["GET", "POST"] as const) {
      await runSequential(variants[name][method], calls, scratch, 0);
      await runConcurrent(variants[name][method], calls, concurrency, scratch, 0);
    }
  }
}
