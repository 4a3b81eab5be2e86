/**
 * The retailer's receiver of `npm start`, built only from the package's helpers: a token endpoint
 * (`createCallbackTokenHandler`) and a callback URL (`createCallbackHandler`, with its default
 * in-memory de-duplication), on `node:http` at 127.0.0.1. It prints each callback as it arrives,
 * and says so when a duplicate is acknowledged without calling the handler again.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCallbackHandler, createCallbackTokenHandler, isKnownCallbackEvent, type CallbackEvent } from "../../src/index.ts";
import { toNodeListener } from "../../src/adapters/node.ts";
import type { CallbackOptions } from "../../src/simulator/index.ts";

export interface DemoReceiver {
  readonly origin: string;
  /** What the simulator needs to post to this receiver. */
  readonly callbacks: CallbackOptions;
  /** Events the handler processed, in arrival order. */
  readonly processed: CallbackEvent[];
  /** Deliveries acknowledged as duplicates (handler not called). */
  duplicates(): number;
  close(): Promise<void>;
}

const orderOf = (event: CallbackEvent): string => {
  const metadata = (event as { event_metadata?: { order_id?: unknown } }).event_metadata;
  return isKnownCallbackEvent(event) && typeof metadata?.order_id === "string" ? ` for order ${metadata.order_id}` : "";
};

export async function startDemoReceiver(print: (line: string) => void): Promise<DemoReceiver> {
  const clientId = "instacart-callbacks-demo";
  const clientSecret = randomUUID();
  const issued = new Map<string, number>(); // token → expiry (ms)
  const processed: CallbackEvent[] = [];
  let duplicates = 0;
  const tokenEndpoint = createCallbackTokenHandler({
    clientId,
    clientSecret,
    issueToken() {
      const accessToken = randomUUID();
      issued.set(accessToken, Date.now() + 3600_000);
      print("      ← token request from Instacart (form POST, client_credentials): token issued, expires in 3600 s");
      return { accessToken, expiresIn: 3600 };
    },
  });
  const callbacks = createCallbackHandler({
    authorize: (token) => (issued.get(token) ?? 0) > Date.now(),
    onEvent(event) {
      processed.push(event);
      print(`      ← callback ${event.event_name}${orderOf(event)} (event_id ${event.event_id}, exact)`);
    },
  });
  const receive = async (request: Request): Promise<Response> => {
    const response = await callbacks(request);
    const answer = (await response.clone().json()) as { status?: string; event_id?: string };
    if (answer.status === "duplicate") {
      duplicates += 1;
      print(`      ← the same event again (event_id ${answer.event_id}): acknowledged, handler not called again`);
    }
    return response;
  };
  const server = createServer(
    toNodeListener((request) => (new URL(request.url).pathname === "/oauth/token" ? tokenEndpoint(request) : receive(request))),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    callbacks: { url: `${origin}/instacart/callbacks`, tokenUrl: `${origin}/oauth/token`, clientId, clientSecret },
    processed,
    duplicates: () => duplicates,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
