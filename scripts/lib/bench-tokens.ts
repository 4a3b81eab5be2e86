/**
 * Tokens: how many token requests 1,000 concurrent calls make on a cold client (the cache and the
 * single flight per key should make it one), and the same when the token expires mid-run: the server
 * refuses the first token with 401 once half of the calls have used it, while the rest are in flight;
 * each refused call drops the token and retries once, and the refresh should again be one request.
 */
import { importPackage } from "./bench-package.ts";
import { ORDER_ID, USER_ID } from "./bench-calls.ts";
import { benchFixtures, GET_PATH, POST_PATH, startBenchServer, type TokenPolicy } from "./bench-server.ts";

export interface TokenScenario {
  /** Calls made. */
  calls: number;
  /** Calls that ended with a 2xx. */
  succeeded: number;
  /** Requests to `POST /v2/oauth/token`. */
  tokenRequests: number;
  /** API requests the server refused with 401 (each is retried once with a fresh token). */
  refused: number;
  /** Wall time of the run. */
  ms: number;
}

export interface TokenResults {
  cold: TokenScenario;
  expiring: TokenScenario;
}

async function scenario(calls: number, policy: TokenPolicy): Promise<TokenScenario> {
  const server = await startBenchServer();
  try {
    await server.reset(policy);
    const { userBody } = benchFixtures();
    const { createConnectClient } = await importPackage();
    const connect = createConnectClient({ server: server.url, clientId: "bench", clientSecret: "bench-secret" });
    const started = performance.now();
    const results = await Promise.allSettled(
      Array.from({ length: calls }, (_, i) =>
        i % 2 === 0
          ? connect.GET(GET_PATH, { params: { path: { user_id: USER_ID, order_id: ORDER_ID } } })
          : connect.POST(POST_PATH, { body: userBody as never }),
      ),
    );
    const ms = performance.now() - started;
    const counts = await server.counts();
    const failures = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    if (failures.length > 0) throw new Error(`${failures.length} calls failed, the first with: ${String(failures[0]!.reason)}`);
    return {
      calls,
      succeeded: results.filter((r) => r.status === "fulfilled" && r.value.response.ok).length,
      tokenRequests: counts.tokenRequests,
      refused: counts.refused,
      ms,
    };
  } finally {
    await server.close();
  }
}

export async function measureTokens(calls = 1000): Promise<TokenResults> {
  // The token answer takes 20 ms, so every call starts while the first token request is in flight.
  const cold = await scenario(calls, { expiresIn: 86_400, tokenDelay: 20 });
  // The server refuses the first token once it has accepted half of the calls: the rest get 401.
  const expiring = await scenario(calls, { expiresIn: 86_400, tokenDelay: 20, expireFirstAfterCalls: calls / 2 });
  return { cold, expiring };
}
