/**
 * A scripted fake Connect server on 127.0.0.1 (node:http) for the behaviours Prism cannot script:
 * token expiry, 401, 429, 5xx, timeouts, resets. Every request is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface Recorded {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
  /** The parsed JSON body, or undefined. */
  json: unknown;
}

export type Reply =
  /** An answer, sent after `delay` ms, or once `until` resolves (the test decides when: no race with the real clock). */
  | { status?: number; headers?: Record<string, string>; body?: unknown; raw?: string; delay?: number; until?: Promise<unknown> }
  | { hang: true }
  | { reset: true }
  | ((request: Recorded, fake: FakeConnect) => Reply);

export interface FakeConnect {
  readonly url: string;
  /** Every request, token requests included. */
  readonly requests: Recorded[];
  /** Requests to `POST /v2/oauth/token`. */
  readonly tokenRequests: Recorded[];
  /** Tokens issued, in order (`tok-1`, `tok-2`, …). */
  readonly issued: string[];
  /** Seconds put in `expires_in` of the next tokens. */
  expiresIn: number;
  /** Scripts the replies of a route (`"POST /v2/fulfillment/users"`); the last reply repeats. */
  on(route: string, ...replies: Reply[]): void;
  /** Requests that reached a route. */
  calls(route: string): Recorded[];
  close(): Promise<void>;
}

/** Writes a scripted answer: `raw` as is, or `body` as JSON (with its content type), plus `headers`. */
export function writeReply(
  res: ServerResponse,
  reply: { status?: number | undefined; headers?: Record<string, string> | undefined; body?: unknown; raw?: string | Buffer | undefined },
): void {
  res.writeHead(reply.status ?? 200, {
    ...(reply.raw === undefined && reply.body !== undefined ? { "content-type": "application/json" } : {}),
    ...reply.headers,
  });
  res.end(reply.raw ?? (reply.body === undefined ? "" : JSON.stringify(reply.body)));
}

/** A request body parsed as JSON, or undefined when it is empty or not JSON. */
export function jsonOrUndefined(body: string): unknown {
  try {
    return body ? JSON.parse(body) : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeConnect(): Promise<FakeConnect> {
  const routes = new Map<string, Reply[]>();
  const sockets = new Set<Socket>();
  const requests: Recorded[] = [];
  const tokenRequests: Recorded[] = [];
  const issued: string[] = [];

  const tokenReply: Reply = (request, fake) => {
    const body = request.json as Record<string, unknown> | undefined;
    if (request.headers["content-type"] !== "application/json" || !body?.client_id || !body.client_secret || !body.grant_type) {
      return { status: 400, body: { error: "invalid_request", error_description: "credentials must be in a JSON body" } };
    }
    const token = `tok-${issued.length + 1}`;
    issued.push(token);
    return {
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: fake.expiresIn,
        created_at: Math.floor(Date.now() / 1000),
        ...(typeof body.scope === "string" ? { scope: body.scope } : {}),
      },
    };
  };

  let fake: FakeConnect;

  function send(reply: Reply, request: Recorded, res: ServerResponse): void {
    if (typeof reply === "function") {
      send(reply(request, fake), request, res);
      return;
    }
    if ("hang" in reply) return;
    if ("reset" in reply) {
      res.socket?.destroy();
      return;
    }
    const write = (): void => writeReply(res, reply);
    if (reply.until) void reply.until.then(write);
    else if (reply.delay) setTimeout(write, reply.delay);
    else write();
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = Buffer.concat(chunks).toString("utf8");
      const json = jsonOrUndefined(body);
      const recorded: Recorded = { method: req.method ?? "", path: url.pathname, url, headers: req.headers, body, json };
      requests.push(recorded);
      const route = `${recorded.method} ${recorded.path}`;
      if (route === "POST /v2/oauth/token") tokenRequests.push(recorded);
      const script = routes.get(route);
      let reply: Reply;
      if (script && script.length > 0) reply = script.length > 1 ? (script.shift() as Reply) : (script[0] as Reply);
      else if (route === "POST /v2/oauth/token") reply = tokenReply;
      else if (route === "POST /v2/oauth/token/revoke") reply = { body: {} };
      else reply = { body: { ok: true } };
      send(reply, recorded, res);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  fake = {
    url: `http://127.0.0.1:${port}`,
    requests,
    tokenRequests,
    issued,
    expiresIn: 86_400,
    on(route, ...replies) {
      routes.set(route, replies);
    },
    calls(route) {
      return requests.filter((r) => `${r.method} ${r.path}` === route);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

/** The token reply that issues the next `tok-N` (for scripting a token route). */
export const issueToken = (request: Recorded, fake: FakeConnect): Reply => {
  const token = `tok-${fake.issued.length + 1}`;
  fake.issued.push(token);
  const body = request.json as { scope?: string } | undefined;
  return {
    body: {
      access_token: token,
      token_type: "Bearer",
      expires_in: fake.expiresIn,
      created_at: 1603897760,
      ...(body?.scope ? { scope: body.scope } : {}),
    },
  };
};
