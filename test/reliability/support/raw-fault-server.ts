/**
 * A fault-injecting server on 127.0.0.1 built on node:net, for faults below HTTP: a reset before
 * the response, a reset in the middle of the body, half a status line, silence, and a response that
 * drips one byte at a time. It reads HTTP/1.1 requests itself (request line, headers,
 * Content-Length body), answers the token endpoint normally, and counts every request per route.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";
import { randomSecret } from "./random.ts";

export type RawAction =
  /** A complete, well-formed response. */
  | { kind: "respond"; status?: number; headers?: Record<string, string>; body?: string }
  /** TCP RST as soon as the request has arrived: nothing of a response was sent. */
  | { kind: "reset-before-response" }
  /** A clean close (FIN) as soon as the request has arrived. */
  | { kind: "close-before-response" }
  /** Status line, headers (Content-Length: `length`) and `sent` bytes of the body, then a TCP RST. */
  | { kind: "reset-mid-body"; length: number; sent: number }
  /** Half a status line (`HTTP/1.1 2`), then a close or nothing more. */
  | { kind: "half-status-line"; ending: "close" | "hang" }
  /** Accepts the request and never answers. */
  | { kind: "silent" }
  /** A valid response sent one byte every `interval` ms, from the status line (`head`) or after the headers (`body`). */
  | { kind: "drip"; from: "head" | "body"; interval: number };

export interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly route: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawFaultServer {
  readonly url: string;
  readonly received: RawRequest[];
  /** Scripts the actions of a route; the last one repeats. */
  on(route: string, ...actions: RawAction[]): void;
  count(route: string): number;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 400: "Bad Request", 401: "Unauthorized", 500: "Internal Server Error" };

function response(status: number, headers: Record<string, string>, body: string): Buffer {
  const payload = Buffer.from(body, "utf8");
  const lines = [`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Status"}`, `Content-Length: ${payload.length}`, "Connection: keep-alive"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}

export interface RawFaultServerOptions {
  clientId: string;
  clientSecret: string;
  onIssue?: (token: string) => void;
}

export async function startRawFaultServer(options: RawFaultServerOptions): Promise<RawFaultServer> {
  const routes = new Map<string, RawAction[]>();
  const received: RawRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;

  function tokenResponse(request: RawRequest): RawAction {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      body = {};
    }
    if (body.client_id !== options.clientId || body.client_secret !== options.clientSecret) {
      return { kind: "respond", status: 401, body: JSON.stringify({ error: "invalid_client" }) };
    }
    const token = randomSecret();
    options.onIssue?.(token);
    return {
      kind: "respond",
      body: JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600, created_at: Math.floor(Date.now() / 1000) }),
    };
  }

  /** Performs an action; returns false when the socket must not be read any further. */
  function act(socket: Socket, action: RawAction, request: RawRequest): boolean {
    const json = { "Content-Type": "application/json" };
    switch (action.kind) {
      case "respond":
        socket.write(response(action.status ?? 200, { ...json, ...action.headers }, action.body ?? JSON.stringify({ id: request.target })));
        return true;
      case "reset-before-response":
        socket.resetAndDestroy();
        return false;
      case "close-before-response":
        socket.end();
        return false;
      case "reset-mid-body": {
        const head = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${action.length}\r\n\r\n`;
        socket.write(head + `{"items":[${'"x",'.repeat(action.length)}`.slice(0, action.sent));
        // Let the head and the first bytes reach the client before the reset.
        const timer = setTimeout(() => socket.resetAndDestroy(), 30);
        timers.add(timer);
        return false;
      }
      case "half-status-line":
        socket.write("HTTP/1.1 2");
        if (action.ending === "close") {
          const timer = setTimeout(() => socket.end(), 30);
          timers.add(timer);
        }
        return false;
      case "silent":
        return false;
      case "drip": {
        const full = response(200, json, JSON.stringify({ id: request.target, padding: "x".repeat(200) }));
        const headEnd = full.indexOf("\r\n\r\n") + 4;
        let at = 0;
        if (action.from === "body") {
          socket.write(full.subarray(0, headEnd));
          at = headEnd;
        }
        const timer = setInterval(() => {
          if (at >= full.length || socket.destroyed) {
            clearInterval(timer);
            return;
          }
          socket.write(full.subarray(at, at + 1));
          at += 1;
        }, action.interval);
        timers.add(timer);
        socket.on("close", () => clearInterval(timer));
        return false;
      }
    }
  }

  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {
      // resets and aborted clients are part of the game
    });
    let buffer = Buffer.alloc(0);
    let reading = true;
    socket.on("data", (chunk: Buffer) => {
      if (!reading) return;
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd === -1) return;
        const lines = buffer.subarray(0, headEnd).toString("latin1").split("\r\n");
        const [method = "", target = ""] = (lines[0] ?? "").split(" ");
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers["content-length"] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        const body = buffer.subarray(headEnd + 4, headEnd + 4 + length).toString("utf8");
        buffer = buffer.subarray(headEnd + 4 + length);
        const route = `${method} ${target.split("?")[0]}`;
        const request: RawRequest = { method, target, route, headers, body };
        received.push(request);
        counts.set(route, (counts.get(route) ?? 0) + 1);
        const script = routes.get(route);
        let action: RawAction;
        if (script && script.length > 0) action = script.length > 1 ? (script.shift() as RawAction) : (script[0] as RawAction);
        else if (route === "POST /v2/oauth/token") action = tokenResponse(request);
        else action = { kind: "respond" };
        if (!act(socket, action, request)) {
          reading = false;
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on(route, ...actions) {
      routes.set(route, actions);
    },
    count(route) {
      return counts.get(route) ?? 0;
    },
    get connections() {
      return connections;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
