/**
 * The two ways into the simulator, one request path behind both: a real HTTP server on loopback
 * (node:http, port 0 by default) and an in-process `fetch` that never opens a socket. Faults look
 * alike on both: a reset is a dropped connection (`TypeError: fetch failed`, cause ECONNRESET) and a
 * hang is an answer that never comes (until the caller aborts or the simulator closes).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import type { Outcome } from "./dispatch.js";

export type Dispatch = (request: Request, signal?: AbortSignal) => Promise<Outcome>;
export type SimulatorFetch = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

const networkError = (code: string, message: string): TypeError =>
  new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });

/** Hanging requests, released when the simulator closes. */
export type Hangs = Set<() => void>;

export function inProcessFetch(dispatch: Dispatch, hangs: Hangs, isClosed: () => boolean): SimulatorFetch {
  return async function simulatorFetch(input, init) {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const { signal } = request;
    if (isClosed()) throw networkError("ECONNREFUSED", "connect ECONNREFUSED (the simulator is closed)");
    signal.throwIfAborted();
    const outcome = await dispatch(request, signal);
    if (outcome.kind === "response") return outcome.response;
    if (outcome.kind === "reset") throw networkError("ECONNRESET", "read ECONNRESET");
    return new Promise<never>((_, reject) => {
      // `release` keeps `request` reachable (through `hangs`) while it hangs: undici links a Request's
      // signal to the caller's only while the Request lives, so a collected one would miss the abort.
      const release = (): void =>
        reject(
          networkError("ECONNRESET", `socket hang up: the simulator closed during ${request.method} ${new URL(request.url).pathname}`),
        );
      if (isClosed()) return release(); // closed while this request was on its way in
      if (signal.aborted) return reject(signal.reason); // the caller gave up before the hang began
      hangs.add(release);
      const onAbort = (): void => {
        hangs.delete(release);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  };
}

function toRequest(req: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, each);
  }
  const method = req.method ?? "GET";
  const body: RequestInit = method === "GET" || method === "HEAD" ? {} : { body: Readable.toWeb(req) as ReadableStream, duplex: "half" };
  return new Request(new URL(req.url ?? "/", origin), { method, headers, signal, ...body });
}

async function write(res: ServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

export interface HttpServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(dispatch: Dispatch, port: number, hangs: Hangs): Promise<HttpServer> {
  let origin = "";
  const server = createServer((req, res) => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("the client closed the connection"));
    });
    dispatch(toRequest(req, origin, controller.signal), controller.signal)
      .then(async (outcome) => {
        if (outcome.kind === "response") return write(res, outcome.response);
        if (outcome.kind === "reset") return void req.socket.destroy();
        const release = (): void => void req.socket.destroy();
        hangs.add(release);
        res.on("close", () => hangs.delete(release));
      })
      .catch(() => {
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
