/**
 * Issue 15, findings 1, 4, 5 and 6, one test each (each fails on the client before its fix): a
 * response body with no size limit (a gzip bomb, an endless body), deprecation headers remembered
 * forever, a path that escapes the server's path prefix, and header values no request can carry.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectConfigError,
  ConnectRequestError,
  ConnectResponseError,
  createConnectClient,
  type ConnectClient,
  type ConnectClientOptions,
  type DeprecationInfo,
} from "../../src/index.ts";
import { faultTable, outcome, within } from "./support/harness.ts";

const table = faultTable("hardening");
const TOKEN = "hardening-token-0123456789";
const MiB = 1024 * 1024;
/** The default limit of `maxResponseBytes`. */
const LIMIT = 16 * MiB;

interface Seen {
  readonly path: string;
  readonly authorization: string | undefined;
}

/**
 * A Connect look-alike under `/prefix`: `/orders/bomb` answers a gzip bomb (512 KB on the wire,
 * 512 MiB inflated), `/orders/endless` a JSON body that never ends; anything else `{}`. It records
 * every request, and how many bytes it wrote before the client hung up.
 */
function startServer(): Promise<{ server: Server; url: string; seen: Seen[]; written: { bytes: number } }> {
  const member = gzipSync(Buffer.alloc(MiB));
  const seen: Seen[] = [];
  const written = { bytes: 0 };
  const chunk = Buffer.from(`[${"1,".repeat(32 * 1024)}`);
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? "", authorization: request.headers.authorization });
    const path = request.url ?? "";
    if (path.endsWith("/orders/bomb")) {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      let members = 512;
      const pump = (): void => {
        while (members > 0 && !response.destroyed) {
          members -= 1;
          written.bytes += MiB;
          if (!response.write(member)) return void response.once("drain", pump);
        }
        response.end();
      };
      return pump();
    }
    if (path.endsWith("/orders/endless")) {
      response.writeHead(200, { "content-type": "application/json" });
      const pump = (): void => {
        while (!response.destroyed) {
          written.bytes += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
      };
      return pump();
    }
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("close", () => {
    for (const socket of sockets) socket.destroy();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, written }),
    ),
  );
}

let local: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  local = await startServer();
});
afterAll(async () => {
  await new Promise((resolve) => local.server.close(resolve));
  table.write();
});

const client = (extra: Partial<ConnectClientOptions> = {}): ConnectClient =>
  createConnectClient({ server: `${local.url}/prefix`, accessToken: TOKEN, retryDelay: 0, timeout: 10_000, ...extra });
const getOrder = (connect: ConnectClient, orderId: string) =>
  connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: "u-1", order_id: orderId } } });

/** The most memory (heap and array buffers) `run` made this process hold above where it started, sampled every 5 ms. */
async function peakGrowth<T>(run: () => Promise<T>): Promise<{ value: T; growth: number }> {
  const used = (): number => {
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const base = used();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, used());
  }, 5);
  try {
    const value = await run();
    peak = Math.max(peak, used());
    return { value, growth: peak - base };
  } finally {
    clearInterval(sampler);
  }
}

describe("finding 1: response bodies are bounded (maxResponseBytes, 16 MiB by default)", () => {
  it.each([
    ["a gzip bomb (512 MiB inflated from 512 KB)", "bomb"],
    ["an endless body", "endless"],
  ])("%s: a ConnectResponseError naming the operation and the limit, not retried, with memory bounded", async (name, orderId) => {
    const before = local.seen.length;
    local.written.bytes = 0;
    const { value: settled, growth } = await peakGrowth(() => within(20_000, () => getOrder(client(), orderId)));
    expect(settled.error).toBeInstanceOf(ConnectResponseError);
    expect((settled.error as Error).message).toBe(
      `getOrder (GET /v2/fulfillment/users/{user_id}/orders/{order_id}) answered HTTP 200 with a body larger than maxResponseBytes (${LIMIT} bytes)`,
    );
    // Not retried (a GET would be, after a network failure): the same request gets the same answer.
    expect(local.seen.length - before).toBe(1);
    // Read up to the limit, not to the end: far below what the server would send.
    expect(growth).toBeLessThan(96 * MiB);
    table.add({
      fault: `200 with ${name}`,
      expected: "ConnectResponseError once the body passes 16 MiB, 1 request, memory < 96 MiB",
      observed: `${outcome(settled)}; ${local.seen.length - before} request; memory +${Math.round(growth / MiB)} MiB; server wrote ${Math.round(local.written.bytes / MiB)} MiB`,
    });
  });

  it("lets a smaller limit be set per client", async () => {
    const settled = await within(5_000, () => getOrder(client({ maxResponseBytes: MiB }), "endless"));
    expect((settled.error as Error).message).toMatch(/with a body larger than maxResponseBytes \(1048576 bytes\)$/);
  });
});

describe("finding 4: deprecation headers are remembered and reported within bounds", () => {
  it("20,000 distinct Deprecation values on one operation: at most 5 reports, and memory does not grow with them", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    /** Collects garbage until undici's finalizers (one per Request) have run, so the heap holds only what is kept. */
    const settle = async (): Promise<number> => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return process.memoryUsage().heapUsed;
    };
    const reports: DeprecationInfo[] = [];
    let served = 0;
    // Long values (4 KB), as the finding's server sent: 20,000 of them remembered would hold 160 MB.
    const padding = "x".repeat(4096);
    const connect = createConnectClient({
      server: "https://connect.example.test",
      accessToken: TOKEN,
      onDeprecation: (info) => void reports.push(info),
      fetch: async () => {
        served += 1;
        const headers = { "content-type": "application/json", deprecation: `@${served}`, sunset: `${served} ${padding}` };
        return new Response("{}", { headers });
      },
    });
    const heapBefore = await settle();
    for (let i = 0; i < 20_000; i++) await getOrder(connect, `o-${i}`);
    const growth = (await settle()) - heapBefore;
    expect(served).toBe(20_000);
    expect(reports.length).toBeLessThanOrEqual(5);
    expect(reports[0]?.deprecation).toBe("@1");
    expect(growth).toBeLessThan(16 * MiB);
    table.add({
      fault: "20,000 distinct Deprecation/Sunset values (4 KB each) on one operation",
      expected: "at most 5 reports; heap growth < 16 MiB",
      observed: `${reports.length} reports; heap ${growth >= 0 ? "+" : ""}${(growth / MiB).toFixed(1)} MiB`,
    });
  });
});

describe("finding 5: a path never leaves the server's path prefix", () => {
  it.each([
    ["..", "/v2/../../internal/admin"],
    ["%2e%2e", "/v2/%2e%2e/%2e%2e/internal/admin"],
    ["mixed-case %2E%2e", "/v2/%2E%2e/%2e%2E/internal/admin"],
    ["backslashes", "/v2\\..\\..\\internal\\admin"],
    ["a tab inside ..", "/v2/.\t./.\t./internal/admin"],
  ])("%s: a ConnectRequestError, and nothing (no token) reaches /internal/admin", async (name, path) => {
    const before = local.seen.length;
    const connect = client();
    const settled = await within(5_000, () => connect.GET(path as never));
    expect(settled.error).toBeInstanceOf(ConnectRequestError);
    expect((settled.error as Error).message).toMatch(
      new RegExp(`refusing to send a request outside ${local.url}/prefix \\(to ${local.url}/internal/admin\\)`),
    );
    expect(local.seen.slice(before)).toEqual([]);
    table.add({
      fault: `path with ${name}`,
      expected: "ConnectRequestError, nothing sent",
      observed: `${outcome(settled)}; ${local.seen.length - before} sent`,
    });
  });

  it("a path whose dot segments stay inside the prefix is sent, resolved", async () => {
    const before = local.seen.length;
    await client().GET("/v2/fulfillment/users/u-1/orders/../orders/o-1" as never);
    expect(local.seen.slice(before)).toEqual([{ path: "/prefix/v2/fulfillment/users/u-1/orders/o-1", authorization: `Bearer ${TOKEN}` }]);
  });
});

describe("finding 6: header values no request can carry are refused before anything is sent", () => {
  it.each([
    ["retailerId with CR LF", { retailerId: "r-1\r\nX-Evil: 1" }],
    ["retailerId with a NUL", { retailerId: "r-1\u0000" }],
    ["locale with a LF", { locale: "en-US\nX-Evil: 1" }],
    ["locale beyond Latin-1", { locale: "en-€" }],
  ])("%s: a ConnectConfigError when the client is created", (name, extra) => {
    let error: unknown;
    try {
      client(extra);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConnectConfigError);
    expect((error as Error).message).toMatch(/cannot be sent as a header: it holds a line break, a NUL or a character beyond Latin-1\.$/);
    table.add({
      fault: `option ${name}`,
      expected: "ConnectConfigError at creation",
      observed: `${(error as Error)?.name}: ${(error as Error)?.message}`,
    });
  });

  it("a Latin-1 retailerId is sent as it is", async () => {
    const before = local.seen.length;
    await getOrder(client({ retailerId: "café" }), "o-1");
    expect(local.seen.length - before).toBe(1);
  });

  it.each([
    ["headers", { headers: { "X-Retailer-Id": "r-1\r\nX-Evil: 1" } }],
    ["params.header", { params: { path: { user_id: "u-1", order_id: "o-1" }, header: { "X-Retailer-Id": "r-€" } } }],
  ])("a call's %s with such a value: a ConnectRequestError, nothing sent", async (name, init) => {
    const before = local.seen.length;
    const settled = await within(5_000, () =>
      client().GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
        params: { path: { user_id: "u-1", order_id: "o-1" } },
        ...init,
      } as never),
    );
    expect(settled.error).toBeInstanceOf(ConnectRequestError);
    expect((settled.error as Error).message).toMatch(/header `X-Retailer-Id` cannot be sent as a header/);
    expect(local.seen.length - before).toBe(0);
    table.add({ fault: `a call's ${name} with a bad value`, expected: "ConnectRequestError, nothing sent", observed: outcome(settled) });
  });
});
