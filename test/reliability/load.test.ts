/**
 * Load: 10,000 calls (half of them creates) at concurrency 100 against the node:http fault server
 * (in a worker thread, so that server and client do not share one event loop) while the token
 * expires mid-run, in the two ways a client learns of it:
 * - the API refuses it: the server treats each token as expired after 2,000 calls (at a known point
 *   of the run, whatever the machine's speed); the refused calls share one renewal and are retried;
 * - the client's own clock: a 3 s token with a 2.5 s refresh margin is renewed ahead of expiry.
 * Both must end with 0 failures, every create processed exactly once, and exactly one token request
 * per expiry. Counts, latencies and calls per second go to test-results/reliability/load.json;
 * nothing here asserts a speed (the budget only catches a hang).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectClient } from "../../src/index.ts";
import { createOrder, getOrder, routes } from "./support/calls.ts";
import { faultTable, within } from "./support/harness.ts";
import type { IssuedToken } from "./support/http-fault-server.ts";
import { createLeakCollector, randomSecret } from "./support/leaks.ts";
import { startWorkerServer, type WorkerServer } from "./support/worker-server.ts";

const CALLS = 10_000;
const CONCURRENCY = 100;
/** Calls a token serves before the API refuses it in the first run. */
const USES_PER_TOKEN = 2_000;
/** Generous: a run takes 5 to 20 s on a 2-core machine, depending on what else runs; this only catches a hang. */
const RUN_BUDGET = 150_000;

const leaks = createLeakCollector();
const table = faultTable("load");
const CLIENT_ID = `client-${randomSecret(8)}`;
const runs: Record<string, RunReport> = {};
let server: WorkerServer;

beforeAll(async () => {
  leaks.spyOnOutput();
  server = await startWorkerServer({
    clientId: CLIENT_ID,
    clientSecret: leaks.clientSecret,
    onIssue: (token) => leaks.watch("token", token),
  });
});
afterAll(async () => {
  leaks.restoreOutput();
  await server.close();
  table.write({ runs });
});

interface RunReport {
  calls: number;
  concurrency: number;
  seconds: number;
  callsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  failures: number;
  firstFailure: string | undefined;
  tokenLifetimeSeconds: number;
  tokenRefreshMarginMs: number;
  usesPerToken: number | "unlimited";
  tokenRequests: number;
  expiriesDuringRun: number;
  maxConcurrentTokenRequests: number;
  unauthorizedResponses: number;
  createsProcessedTwice: number;
  createsNotProcessed: number;
}

interface RunSetup {
  label: string;
  /** `expires_in` of the tokens, in seconds. */
  lifetime: number;
  /** tokenRefreshMargin, in ms. */
  margin: number;
  usesPerToken: number;
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! * 10) / 10;
}

async function run(setup: RunSetup): Promise<{ report: RunReport; tokens: IssuedToken[] }> {
  await server.configure({ expiresIn: setup.lifetime, usesPerToken: setup.usesPerToken });
  let refreshes = 0;
  const hooks = leaks.hooks();
  const connect = createConnectClient({
    server: server.url,
    clientId: CLIENT_ID,
    clientSecret: leaks.clientSecret,
    tokenRefreshMargin: setup.margin,
    timeout: 30_000,
    retryDelay: 5,
    maxRetryDelay: 50,
    onDeprecation: (info) => leaks.onDeprecation(info),
    hooks: {
      ...hooks,
      onTokenRefresh: (info) => {
        refreshes += 1;
        hooks.onTokenRefresh(info);
      },
    },
  });

  const latencies: number[] = [];
  const failures: unknown[] = [];
  const createRoutes: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < CALLS) {
      const i = next++;
      const path = { user_id: `load-${setup.label}-user-${i}`, order_id: `load-${setup.label}-order-${i}` };
      const isCreate = i % 2 === 0;
      if (isCreate) createRoutes.push(routes.createOrder(path));
      const started = performance.now();
      try {
        const { response, data } = isCreate ? await createOrder(connect, path) : await getOrder(connect, path);
        if (response.status !== 200 || data === undefined) failures.push(new Error(`call ${i}: HTTP ${response.status}`));
      } catch (error) {
        leaks.error(error, "load");
        failures.push(error);
      }
      latencies.push(performance.now() - started);
    }
  }

  const started = performance.now();
  const settled = await within(RUN_BUDGET, () => Promise.all(Array.from({ length: CONCURRENCY }, worker)));
  expect(settled.ok).toBe(true);
  const seconds = (performance.now() - started) / 1000;
  const stats = await server.stats(createRoutes);
  const tokens = stats.tokens.slice(stats.tokens.length - stats.tokenRequests);
  latencies.sort((a, b) => a - b);
  const report: RunReport = {
    calls: CALLS,
    concurrency: CONCURRENCY,
    seconds: Math.round(seconds * 100) / 100,
    callsPerSecond: Math.round(CALLS / seconds),
    latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100) },
    failures: failures.length,
    firstFailure: failures.length > 0 ? String(failures[0]) : undefined,
    tokenLifetimeSeconds: setup.lifetime,
    tokenRefreshMarginMs: setup.margin,
    usesPerToken: Number.isFinite(setup.usesPerToken) ? setup.usesPerToken : "unlimited",
    tokenRequests: stats.tokenRequests,
    expiriesDuringRun: 0,
    maxConcurrentTokenRequests: stats.maxConcurrentTokenRequests,
    unauthorizedResponses: stats.unauthorized,
    createsProcessedTwice: stats.accepted.filter((n) => n > 1).length,
    createsNotProcessed: stats.accepted.filter((n) => n === 0).length,
  };
  runs[setup.label] = report;
  expect(refreshes).toBe(tokens.length);
  return { report, tokens };
}

/** What both runs must show: nothing failed, nothing lost or doubled, token requests never overlapping. */
function expectNothingLost(report: RunReport, tokens: IssuedToken[]): void {
  expect(report.firstFailure).toBeUndefined();
  expect(report.failures).toBe(0);
  expect(report.createsProcessedTwice).toBe(0);
  expect(report.createsNotProcessed).toBe(0);
  expect(report.tokenRequests).toBe(tokens.length);
  expect(report.maxConcurrentTokenRequests).toBe(1);
  // Every token served calls: none was fetched for nothing.
  for (const token of tokens) expect(token.used).toBeGreaterThan(0);
}

function row(report: RunReport, fault: string, expected: string, what = "expiries"): void {
  const observed =
    `${report.failures} failures; creates processed twice ${report.createsProcessedTwice}, lost ${report.createsNotProcessed}; ` +
    `${report.tokenRequests} token requests for ${report.expiriesDuringRun} ${what} (+1 initial), at most ${report.maxConcurrentTokenRequests} at a time; ` +
    `${report.unauthorizedResponses} 401s; ${report.callsPerSecond} calls/s over ${report.seconds} s (p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms)`;
  table.add({ fault, expected, observed });
  console.log(`load: ${fault}: ${observed}`);
}

describe(`${CALLS.toLocaleString("en-US")} calls at concurrency ${CONCURRENCY} while the token expires mid-run`, () => {
  it(
    `the API refuses the token after every ${USES_PER_TOKEN.toLocaleString("en-US")} calls: one renewal per expiry, shared by every refused call; 0 failures`,
    async () => {
      const { report, tokens } = await run({ label: "api-expiry", lifetime: 86_400, margin: 60_000, usesPerToken: USES_PER_TOKEN });
      report.expiriesDuringRun = tokens.filter((t) => t.refused > 0).length;
      expectNothingLost(report, tokens);
      // 10,000 calls, 2,000 per token: exactly 5 tokens, 4 expiries, one token request each.
      expect(report.tokenRequests).toBe(CALLS / USES_PER_TOKEN);
      expect(report.expiriesDuringRun).toBe(report.tokenRequests - 1);
      for (let i = 1; i < tokens.length; i++) {
        // Each renewal came after the previous token was refused, and the previous token served all its calls.
        expect(tokens[i - 1]!.used).toBe(USES_PER_TOKEN);
        expect(tokens[i]!.requestedAt).toBeGreaterThanOrEqual(tokens[i - 1]!.firstRefusedAt!);
      }
      // The expiry hit calls in flight: they were refused and retried on the new token.
      expect(report.unauthorizedResponses).toBeGreaterThan(0);
      row(
        report,
        `${CALLS} calls (half creates) at concurrency ${CONCURRENCY}; the API refuses each token after ${USES_PER_TOKEN} calls`,
        "one token request per expiry (5 in all), the refused calls retried on the new token, 0 failures, each create processed once",
      );
    },
    RUN_BUDGET + 10_000,
  );

  it(
    "a 3 s token with a 2.5 s refresh margin: renewed ahead of expiry, one token request per renewal, no 401, 0 failures",
    async () => {
      const margin = 2_500;
      const lifetime = 3;
      const { report, tokens } = await run({ label: "renew-ahead", lifetime, margin, usesPerToken: Number.POSITIVE_INFINITY });
      report.expiriesDuringRun = tokens.length - 1;
      expectNothingLost(report, tokens);
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < tokens.length; i++) {
        // One token request per renewal: the next one came only when the previous token was due
        // (lifetime minus margin after it was requested), never right after it (a duplicate would be
        // milliseconds apart). The tolerance covers the token request's trip from client to server.
        expect(tokens[i]!.requestedAt - tokens[i - 1]!.requestedAt).toBeGreaterThanOrEqual(lifetime * 1000 - margin - 100);
      }
      expect(report.unauthorizedResponses).toBe(0);
      row(
        report,
        `${CALLS} calls (half creates) at concurrency ${CONCURRENCY}; token lifetime ${lifetime} s, refresh margin ${margin / 1000} s`,
        "renewed before expiry: one token request per renewal, no 401, 0 failures, each create processed once",
        "renewals",
      );
    },
    RUN_BUDGET + 10_000,
  );
});

describe("leak scan", () => {
  it("finds neither the client secret nor any issued token in any hook argument, error or output of the runs", () => {
    expect(leaks.watched).toBeGreaterThanOrEqual(7);
    expect(leaks.captured.length).toBeGreaterThan(4 * CALLS);
    expect(leaks.scan()).toEqual([]);
  });
});
