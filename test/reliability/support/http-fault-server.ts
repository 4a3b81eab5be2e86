/**
 * A fault-injecting Connect server on 127.0.0.1, built on node:http, for HTTP-level faults: error
 * statuses, Retry-After, bodies that are not what they claim, a failing token endpoint, expiring
 * tokens and load. It issues random tokens, refuses expired or unknown ones with 401, and counts
 * every request per route, so tests can prove what was (and was not) sent twice.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomSecret } from "./random.ts";
import { jsonOrUndefined, writeReply } from "../../support/fake-connect.ts";

export interface Received {
  readonly method: string;
  /** The request target exactly as sent (still percent-encoded). */
  readonly target: string;
  /** `METHOD pathname`, the key of `on` and `count`. */
  readonly route: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly json: unknown;
  /** Date.now() when the request was fully received. */
  readonly at: number;
}

/** A complete answer: `body` as JSON, or `raw` bytes as they are, after `delay` ms. */
export interface PlainReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string | Buffer;
  delay?: number;
}

export type HttpReply =
  | PlainReply
  | { hang: true }
  | { destroy: true }
  /** Issues a token when the request arrives (its lifetime starts then), answering after `delay` ms. */
  | { issueToken: true; expiresIn?: number; delay?: number }
  | ((request: Received, server: HttpFaultServer) => HttpReply);

export interface IssuedToken {
  readonly token: string;
  /** When the token request arrived (Date.now()). */
  readonly requestedAt: number;
  readonly issuedAt: number;
  /** issuedAt + expires_in (ms). */
  readonly expiresAt: number;
  readonly expiresIn: number;
  /** API requests that carried this token and were accepted. */
  used: number;
  /** API requests refused with 401 while carrying this token (expired or used up). */
  refused: number;
  /** Date.now() of the first refusal. */
  firstRefusedAt: number | undefined;
}

export interface HttpFaultServer {
  readonly url: string;
  readonly clientId: string;
  /** Every request, in arrival order. */
  readonly received: Received[];
  /** Tokens issued, in order. */
  readonly tokens: IssuedToken[];
  /** `expires_in` (seconds) of the tokens issued from now on. */
  expiresIn: number;
  /** Refuse tokens past their expiry with 401 (default true). */
  enforceExpiry: boolean;
  /**
   * Calls a token may serve before the server treats it as expired (401), whatever `expires_in`
   * said: an expiry at a known point of a run, independent of the machine's speed. Default: no limit.
   */
  usesPerToken: number;
  /** The most token requests that were ever open at the same time. */
  readonly maxConcurrentTokenRequests: number;
  /** 401s sent to API calls (unknown or expired token). */
  readonly unauthorized: number;
  /** Scripts the replies of a route (`"POST /v2/fulfillment/users"`): one reply per request, the last one repeats. */
  on(route: string, ...replies: HttpReply[]): void;
  /** Requests received on a route. */
  count(route: string): number;
  /** Requests of a route that the default handler accepted (valid token) and processed. */
  accepted(route: string): number;
  /** Requests received on a route. */
  requests(route: string): Received[];
  /** Forgets scripts, requests and counters (tokens stay valid). */
  reset(): void;
  close(): Promise<void>;
}

export const TOKEN_ROUTE = "POST /v2/oauth/token";

export interface HttpFaultServerOptions {
  clientId: string;
  clientSecret: string;
  /** Called with every token value the server hands out (the leak scan watches them). */
  onIssue?: (token: string) => void;
  host?: string;
}

export async function startHttpFaultServer(options: HttpFaultServerOptions): Promise<HttpFaultServer> {
  const routes = new Map<string, HttpReply[]>();
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const accepted = new Map<string, number>();
  const tokens: IssuedToken[] = [];
  const byValue = new Map<string, IssuedToken>();
  const sockets = new Set<Socket>();
  let openTokenRequests = 0;
  let maxConcurrentTokenRequests = 0;
  let unauthorized = 0;
  let server: HttpFaultServer;

  function issue(request: Received, expiresIn: number): PlainReply {
    const body = request.json as Record<string, unknown> | undefined;
    if (body?.client_id !== options.clientId || body.client_secret !== options.clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" } };
    }
    const token = randomSecret();
    options.onIssue?.(token);
    const issuedAt = Date.now();
    const entry: IssuedToken = {
      token,
      requestedAt: request.at,
      issuedAt,
      expiresAt: issuedAt + expiresIn * 1000,
      expiresIn,
      used: 0,
      refused: 0,
      firstRefusedAt: undefined,
    };
    tokens.push(entry);
    byValue.set(token, entry);
    return {
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: expiresIn,
        created_at: Math.floor(issuedAt / 1000),
        ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
      },
    };
  }

  /** The default answer of an API route: 401 for a bad token, else 200 with a small JSON body. */
  function defaultReply(request: Received): HttpReply {
    const auth = request.headers.authorization ?? "";
    const entry = byValue.get(auth.replace(/^Bearer /, ""));
    if (!entry || (server.enforceExpiry && Date.now() >= entry.expiresAt) || entry.used >= server.usesPerToken) {
      unauthorized += 1;
      if (entry) {
        entry.refused += 1;
        entry.firstRefusedAt ??= Date.now();
      }
      return { status: 401, body: { error: { message: "The access token is invalid or has expired", code: 1003 } } };
    }
    entry.used += 1;
    accepted.set(request.route, (accepted.get(request.route) ?? 0) + 1);
    if (request.method === "POST") return { body: { ...(request.json as object), id: received.length } };
    return { body: { id: request.target, status: "delivered" } };
  }

  function send(reply: HttpReply, request: Received, res: ServerResponse, done: () => void): void {
    if (typeof reply === "function") {
      send(reply(request, server), request, res, done);
      return;
    }
    if ("hang" in reply) {
      res.on("close", done);
      return;
    }
    if ("destroy" in reply) {
      res.socket?.destroy();
      done();
      return;
    }
    if ("issueToken" in reply) {
      send({ ...issue(request, reply.expiresIn ?? server.expiresIn), delay: reply.delay ?? 0 }, request, res, done);
      return;
    }
    const write = (): void => {
      writeReply(res, reply);
      done();
    };
    if (reply.delay) setTimeout(write, reply.delay);
    else write();
  }

  const http = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const target = req.url ?? "/";
      const method = req.method ?? "";
      const pathname = target.split("?")[0] ?? target;
      const body = Buffer.concat(chunks).toString("utf8");
      const json = jsonOrUndefined(body);
      const request: Received = { method, target, route: `${method} ${pathname}`, headers: req.headers, body, json, at: Date.now() };
      received.push(request);
      counts.set(request.route, (counts.get(request.route) ?? 0) + 1);
      const isToken = request.route === TOKEN_ROUTE;
      if (isToken) {
        openTokenRequests += 1;
        maxConcurrentTokenRequests = Math.max(maxConcurrentTokenRequests, openTokenRequests);
      }
      let finished = false;
      const done = (): void => {
        if (finished) return;
        finished = true;
        if (isToken) openTokenRequests -= 1;
      };
      const script = routes.get(request.route);
      let reply: HttpReply;
      if (script && script.length > 0) reply = script.length > 1 ? (script.shift() as HttpReply) : (script[0] as HttpReply);
      else if (isToken) reply = { issueToken: true };
      else if (request.route === "POST /v2/oauth/token/revoke") reply = { body: {} };
      else reply = defaultReply;
      send(reply, request, res, done);
    });
  });
  http.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, options.host ?? "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  server = {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    clientId: options.clientId,
    received,
    tokens,
    expiresIn: 3600,
    enforceExpiry: true,
    usesPerToken: Number.POSITIVE_INFINITY,
    get maxConcurrentTokenRequests() {
      return maxConcurrentTokenRequests;
    },
    get unauthorized() {
      return unauthorized;
    },
    on(route, ...replies) {
      routes.set(route, replies);
    },
    count(route) {
      return counts.get(route) ?? 0;
    },
    accepted(route) {
      return accepted.get(route) ?? 0;
    },
    requests(route) {
      return received.filter((r) => r.route === route);
    },
    reset() {
      routes.clear();
      received.length = 0;
      counts.clear();
      accepted.clear();
      maxConcurrentTokenRequests = openTokenRequests;
      unauthorized = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
