/**
 * The `instacart-connect/node` adapter on the runtimes that have `node:http` (Node.js, Bun, Deno):
 * the callback handler mounted with `toNodeListener` on a server on 127.0.0.1, spoken to in raw
 * HTTP/1.1. Prints the marked result line, as script-main.ts does.
 */
import { createServer } from "node:http";
import { connect } from "node:net";
import { toNodeListener } from "../../src/adapters/node.ts";
import { createCallbackHandler } from "../../src/events/index.ts";
import { type Observation, SMOKE_MARK } from "./smoke.ts";

const EVENT = `{"event_id":77,"event_name":"fulfillment.brand_new","event_timestamp":"2020-07-07T16:35:22Z","event_metadata":{"order_id":"o-1"}}`;

/** Writes `raw`, then reads until the server closes the connection (or 5 s pass); how long the close took. */
function exchange(port: number, raw: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    const timer = setTimeout(() => socket.destroy(new Error(`no close within 5 s; got: ${answer}`)), 5_000);
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
  });
}

const statusLine = (answer: string): string => answer.split("\r\n", 1)[0] ?? "";
const header = (answer: string, name: string): string | undefined =>
  answer
    .split("\r\n\r\n", 1)[0]
    ?.split("\r\n")
    .find((line) => line.toLowerCase().startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();

async function nodeAdapter(): Promise<Observation> {
  const handler = createCallbackHandler({ authorize: (token) => token === "cb-token", onEvent: () => undefined });
  const server = createServer(toNodeListener(handler, { lingerMs: 100 }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  try {
    const post = (auth: string, body: string) =>
      `POST /instacart/callbacks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${auth}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    const delivered = await exchange(port, post("Authorization: Bearer cb-token\r\n", EVENT));
    const duplicate = await exchange(port, post("Authorization: Bearer cb-token\r\n", EVENT));
    const trace = await exchange(port, "TRACE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    // No token, and a body announced but never sent: the 401 comes at once, then the server closes.
    const dripping = await exchange(port, "POST /instacart/callbacks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{");
    return {
      delivered: [statusLine(delivered.answer), delivered.answer.includes('"status":"processed"')],
      duplicate: [statusLine(duplicate.answer), duplicate.answer.includes('"status":"duplicate"')],
      trace: statusLine(trace.answer),
      early401: [statusLine(dripping.answer), header(dripping.answer, "connection")],
      // lingerMs is 100: well under 2 s, however loaded the machine.
      closedSoon: dripping.closedAfterMs < 2_000,
    };
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
}

void nodeAdapter().then(
  (nodeAdapterResult) => console.log(SMOKE_MARK + JSON.stringify({ nodeAdapter: nodeAdapterResult })),
  (error: unknown) => console.log(SMOKE_MARK + JSON.stringify({ nodeAdapter: { error: String(error) } })),
);
