/**
 * The benchmark's server: `node:http` on 127.0.0.1 answering fixed JSON (the spec's own examples of
 * `getOrder` and `createUser`) with keep-alive, plus a token endpoint. It runs in its own process
 * (`startBenchServerProcess`) so that its work does not share an event loop with the client being
 * measured, or in-process (`startBenchServer`) where only counts matter (the token scenarios).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { bundledSpec } from "./paths.ts";

export const GET_PATH = "/v2/fulfillment/users/{user_id}/orders/{order_id}";
export const POST_PATH = "/v2/fulfillment/users";

interface MediaExamples {
  content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }> }>;
}
interface SpecOperation {
  requestBody?: MediaExamples;
  responses: Record<string, MediaExamples>;
}

function firstExample(media: MediaExamples | undefined, what: string): unknown {
  const json = media?.content?.["application/json"];
  const value = json?.example ?? Object.values(json?.examples ?? {})[0]?.value;
  if (value === undefined) throw new Error(`the spec has no example for ${what}`);
  return value;
}

/** The fixed payloads, taken from the spec's examples so that they have the real shapes and sizes. */
export function benchFixtures(): { order: { id: string }; user: { user_id: string }; userBody: Record<string, string> } {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as { paths: Record<string, Record<string, SpecOperation>> };
  const getOrder = spec.paths[GET_PATH]?.get;
  const createUser = spec.paths[POST_PATH]?.post;
  if (!getOrder || !createUser) throw new Error("the spec lost getOrder or createUser");
  return {
    order: firstExample(getOrder.responses["200"], "getOrder 200") as { id: string },
    user: firstExample(createUser.responses["200"], "createUser 200") as { user_id: string },
    userBody: firstExample(createUser.requestBody, "createUser request") as Record<string, string>,
  };
}

export interface TokenPolicy {
  /** `expires_in` of issued tokens, in seconds. */
  expiresIn: number;
  /** The server refuses the first token it issued (401) once it has accepted this many calls with it. */
  expireFirstAfterCalls?: number;
  /** Delay of the token response in ms. */
  tokenDelay?: number;
}

export interface BenchCounts {
  tokenRequests: number;
  calls: number;
  refused: number;
}

export interface BenchServer {
  readonly url: string;
  counts(): Promise<BenchCounts>;
  /** Zeroes the counts, forgets issued tokens and sets how tokens behave from now on. */
  reset(policy?: TokenPolicy): Promise<void>;
  close(): Promise<void>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

export async function startBenchServer(port = 0): Promise<BenchServer> {
  const fixtures = benchFixtures();
  const orderBody = json(fixtures.order);
  const userBody = json(fixtures.user);
  const notFound = json({ error: { message: "bench server: no such route" } });
  const refusedBody = json({ error: { message: "bench server: token refused" } });
  const sockets = new Set<Socket>();
  let policy: TokenPolicy = { expiresIn: 86_400 };
  let counts: BenchCounts = { tokenRequests: 0, calls: 0, refused: 0 };
  const tokens = new Map<string, { issued: number; first: boolean; uses: number }>();

  function send(res: ServerResponse, status: number, body: Buffer): void {
    res.writeHead(status, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization;
    if (!header?.startsWith("Bearer ")) return false;
    const token = tokens.get(header.slice(7));
    if (!token) return false;
    if (Date.now() - token.issued >= policy.expiresIn * 1000) return false;
    if (token.first && policy.expireFirstAfterCalls !== undefined && token.uses >= policy.expireFirstAfterCalls) return false;
    token.uses += 1;
    return true;
  }

  function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = req.url ?? "/";
    if (req.method === "POST" && path === "/v2/oauth/token") {
      counts.tokenRequests += 1;
      const grant = JSON.parse(body) as { client_id?: string; client_secret?: string; scope?: string };
      if (!grant.client_id || !grant.client_secret) {
        send(res, 401, json({ error: "invalid_client", error_description: "Client authentication failed" }));
        return;
      }
      const token = `bench-token-${counts.tokenRequests}-${Math.random().toString(36).slice(2)}`;
      const reply = json({
        access_token: token,
        token_type: "Bearer",
        expires_in: policy.expiresIn,
        created_at: Math.floor(Date.now() / 1000),
        ...(grant.scope ? { scope: grant.scope } : {}),
      });
      const issue = (): void => {
        tokens.set(token, { issued: Date.now(), first: tokens.size === 0, uses: 0 });
        send(res, 200, reply);
      };
      if (policy.tokenDelay) setTimeout(issue, policy.tokenDelay);
      else issue();
      return;
    }
    counts.calls += 1;
    if (!authorized(req)) {
      counts.refused += 1;
      send(res, 401, refusedBody);
    } else if (req.method === "GET" && path.startsWith("/v2/fulfillment/users/") && path.includes("/orders/")) send(res, 200, orderBody);
    else if (req.method === "POST" && path === POST_PATH) send(res, 200, userBody);
    else send(res, 404, notFound);
  }

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.method === "GET" || req.method === "HEAD") {
      req.resume();
      answer(req, res, "");
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => answer(req, res, body));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts: async () => ({ ...counts }),
    async reset(next = { expiresIn: 86_400 }) {
      policy = next;
      counts = { tokenRequests: 0, calls: 0, refused: 0 };
      tokens.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type ServerMessage = { type: "listening"; url: string } | { type: "counts"; counts: BenchCounts } | { type: "reset" };

/** The same server in a child process (its own event loop and, on a 2-core machine, its own core). */
export async function startBenchServerProcess(): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--serve"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const kill = (): void => void child.kill("SIGKILL");
  process.once("exit", kill);
  const next = (): Promise<ServerMessage> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`the bench server exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (message) => {
        child.off("exit", onExit);
        resolve(message as ServerMessage);
      });
    });
  const ready = await next();
  if (ready.type !== "listening") throw new Error("the bench server did not start");
  return {
    url: ready.url,
    async counts() {
      const reply = next();
      child.send({ type: "counts" });
      const message = await reply;
      if (message.type !== "counts") throw new Error("the bench server answered out of turn");
      return message.counts;
    },
    async reset(policy) {
      const reply = next();
      child.send({ type: "reset", policy });
      if ((await reply).type !== "reset") throw new Error("the bench server answered out of turn");
    },
    async close() {
      process.off("exit", kill);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

if (process.argv.includes("--serve") && process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startBenchServer();
  process.on("message", (message: { type: string; policy?: TokenPolicy }) => {
    if (message.type === "reset") void server.reset(message.policy).then(() => process.send?.({ type: "reset" }));
    if (message.type === "counts") void server.counts().then((counts) => process.send?.({ type: "counts", counts }));
  });
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
  process.on("disconnect", () => void server.close().then(() => process.exit(0)));
  process.send?.({ type: "listening", url: server.url });
}
