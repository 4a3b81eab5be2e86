/**
 * `instacart-connect/node`: mounts a Fetch-API handler (`createCallbackHandler`,
 * `createCallbackTokenHandler`, or any `(request: Request) => Promise<Response>`) on `node:http`,
 * `node:https` or Express. Node only (it reads Node's request and writes Node's response).
 *
 * What it guarantees for a receiver that anyone on the internet can reach:
 * - it never throws: a request line, method, URL or header a `Request` cannot hold is answered
 *   400 or 405, a handler that throws is answered 500, and `onError` hears about each;
 * - an answer given before the request body was read in full (401, 405, 413, …) and every 401,
 *   405 and 413 carries `Connection: close`, and the socket is closed once the answer is sent, so a
 *   sender dripping a body cannot hold it, and a keep-alive client never sends its next request
 *   into the rest of a body that was not read;
 * - a body a parser already read (`express.json()` before the handler) is not read as empty: the
 *   handler fails to read it with an error saying to mount the handler first or use `express.raw()`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ConnectConfigError, ConnectError } from "../errors.js";

/** What `onError` learns about a failure besides the error. */
export interface NodeListenerFailure {
  /** The status answered (400, 405, 500), or undefined when the answer could not be sent. */
  readonly status: number | undefined;
  readonly method: string | undefined;
  readonly url: string | undefined;
}

export interface NodeListenerOptions {
  /** Told about every request the adapter refused or could not answer, and every handler that threw. */
  onError?(error: unknown, failure: NodeListenerFailure): void;
  /**
   * After an answer that closes the connection, how long the socket stays (not reading) so the
   * client can read the answer before the close, in ms: closing at once while the client still
   * sends would reset the connection and could lose the answer. Default 2000.
   */
  lingerMs?: number;
}

/** Methods a Fetch `Request` refuses to carry (Fetch standard, "forbidden method"). */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Answers that must not leave the connection open for the sender. */
const CLOSING_STATUSES = new Set([401, 405, 413]);

type NodeRequest = IncomingMessage & { body?: unknown; originalUrl?: string };

/**
 * A `(req, res) => void` listener for `http.createServer(…)`, `app.use(…)` or `app.post(path, …)` in
 * Express, answering each request with `handler`.
 */
export function toNodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const lingerMs = options.lingerMs ?? 2000;
  if (!Number.isSafeInteger(lingerMs) || lingerMs < 0) throw new ConnectConfigError("`lingerMs` must be a non-negative integer.");
  return (req, res) => {
    const fail = (error: unknown, status: number | undefined): void => {
      try {
        options.onError?.(error, { status, method: req.method, url: req.url });
      } catch {
        // a failing logger must not break the answer
      }
    };
    serve(handler, req as NodeRequest, res, fail, lingerMs).catch((error: unknown) => {
      fail(error, undefined);
      res.destroy();
    });
  };
}

async function serve(
  handler: (request: Request) => Response | Promise<Response>,
  req: NodeRequest,
  res: ServerResponse,
  fail: (error: unknown, status: number | undefined) => void,
  lingerMs: number,
): Promise<void> {
  const send = (response: Response): Promise<void> => sendResponse(req, res, response, lingerMs);
  const method = req.method ?? "";
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
    fail(new ConnectError(`Refused a ${method} request: a Fetch Request cannot carry this method.`), 405);
    return send(plain(405, "method_not_allowed", `${method} is not allowed.`));
  }
  let request: Request;
  try {
    request = toRequest(req);
  } catch (cause) {
    fail(new ConnectError(`Refused a request whose URL or headers a Fetch Request cannot hold: ${String(cause)}`, { cause }), 400);
    return send(plain(400, "bad_request", "The request line or headers are malformed."));
  }
  let response: Response;
  try {
    response = await handler(request);
    if (!(response instanceof Response)) throw new TypeError(`The handler returned ${typeof response}, not a Response.`);
  } catch (error) {
    fail(error, 500);
    response = plain(500, "server_error", "The request could not be handled.");
  }
  return send(response);
}

/** A small JSON answer of the adapter's own. */
function plain(status: number, error: string, message: string): Response {
  return new Response(JSON.stringify({ error, message }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** A Fetch `Request` for `req`; throws when its method, URL or headers cannot be one. */
function toRequest(req: NodeRequest): Request {
  const method = req.method ?? "GET";
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index] ?? "", raw[index + 1] ?? "");
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(requestUrl(req), {
    method,
    headers,
    ...(hasBody ? { body: bodyOf(req), duplex: "half" } : {}),
  } as RequestInit);
}

/** The absolute URL of `req`: origin-form paths are kept as paths (`//x` is not a host). */
function requestUrl(req: NodeRequest): URL {
  const target = req.originalUrl ?? req.url ?? "/";
  if (/^https?:\/\//i.test(target)) return new URL(target);
  if (!target.startsWith("/")) throw new TypeError(`the request target ${JSON.stringify(target.slice(0, 100))} is not a path`);
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  return new URL(`${scheme}://${req.headers.host ?? "localhost"}${target}`);
}

/** The request body as a stream: the bytes already parsed into `req.body` (express.raw()), or the socket's. */
function bodyOf(req: NodeRequest): ReadableStream<Uint8Array> | Uint8Array {
  if (req.body instanceof Uint8Array) return new Uint8Array(req.body.buffer, req.body.byteOffset, req.body.byteLength);
  if (req.body !== undefined || req.readableEnded || req.readableDidRead) {
    const parsed = req.body !== undefined ? `parsed into req.body (${req.body === null ? "null" : typeof req.body})` : "read";
    const error = new ConnectError(
      `The request body was already ${parsed} by another middleware, such as express.json(): mount the handler before body parsers, or use express.raw() for its route.`,
    );
    return new ReadableStream({ start: (controller) => controller.error(error) });
  }
  return streamOf(req);
}

/**
 * The socket's body as a byte stream that reads only as fast as the handler does. Cancelling it
 * stops reading without destroying the socket, so the handler's answer (a 413) is still sent.
 */
function streamOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on("data", (chunk: Uint8Array) => {
          if (finished) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (!finished) controller.close();
          finished = true;
        });
        req.once("close", () => {
          if (!finished) controller.error(new ConnectError("The client closed the connection before the body was complete."));
          finished = true;
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        finished = true;
        req.pause();
      },
    },
    { highWaterMark: 1 },
  );
}

/** Writes `response` to `res`; closes the connection when the request was not read in full or the answer refuses the sender. */
async function sendResponse(req: IncomingMessage, res: ServerResponse, response: Response, lingerMs: number): Promise<void> {
  if (res.headersSent || res.destroyed) return;
  const closing = !req.complete || CLOSING_STATUSES.has(response.status);
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  if (closing) headers.push(["connection", "close"]);
  res.writeHead(response.status, headers.flat());
  if (closing) res.once("finish", () => lingerThenClose(req.socket, lingerMs));
  if (!response.body || req.method === "HEAD") {
    await response.body?.cancel();
    res.end();
    return;
  }
  await pipeBody(response.body, res);
}

/**
 * Node ends a `Connection: close` answer with a FIN and destroys the socket right after it; bytes
 * the client still sends then make the kernel reset the connection, which can discard the answer
 * before the client reads it. Instead: stop reading, keep the socket `lingerMs`, then destroy it.
 */
function lingerThenClose(socket: Socket, lingerMs: number): void {
  if (socket.destroyed) return;
  socket.removeListener("finish", socket.destroy);
  socket.end();
  socket.pause();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  socket.once("close", () => clearTimeout(timer));
}

/** Streams a response body with backpressure; stops reading it when the client goes away. */
async function pipeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } finally {
    reader.releaseLock();
    if (!res.writableEnded) await body.cancel().catch(() => undefined);
  }
}

/** Resolves when `res` can take more data, or is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done).off("close", done);
      resolve();
    };
    res.on("drain", done).on("close", done);
  });
}
