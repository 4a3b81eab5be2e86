/**
 * Starts the node:http fault server in a worker thread (see server-worker.ts) and talks to it: the
 * load runs configure it, read its counts, and receive every token it issues.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { IssuedToken } from "./http-fault-server.ts";

export type WorkerCommand =
  | { type: "configure"; id: number; expiresIn: number; usesPerToken?: number }
  | { type: "stats"; id: number; routes: string[] }
  | { type: "close"; id: number };

export interface WorkerStats {
  readonly tokenRequests: number;
  readonly tokens: IssuedToken[];
  readonly maxConcurrentTokenRequests: number;
  readonly unauthorized: number;
  /** Accepted requests of each route asked for, in the same order. */
  readonly accepted: number[];
}

/** A command without its id (the host numbers them). */
type Command = { [K in WorkerCommand["type"]]: Omit<Extract<WorkerCommand, { type: K }>, "id"> }[WorkerCommand["type"]];

export type WorkerReply =
  | { type: "ready"; url: string }
  | { type: "issued"; token: string }
  | { type: "done"; id: number }
  | ({ type: "stats"; id: number } & WorkerStats);

export interface WorkerServer {
  readonly url: string;
  /** Forgets counts and sets the lifetime (and optional use limit) of the tokens issued from now on. */
  configure(settings: { expiresIn: number; usesPerToken?: number }): Promise<void>;
  stats(routes: string[]): Promise<WorkerStats>;
  close(): Promise<void>;
}

/** The ESM entry of tsx's API, so the worker can load TypeScript like the tests do. */
function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve("tsx/package.json"));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(root, manifest.exports["./esm/api"]!.import.default)).href;
}

export async function startWorkerServer(options: {
  clientId: string;
  clientSecret: string;
  onIssue: (token: string) => void;
}): Promise<WorkerServer> {
  const entry = new URL("./server-worker.ts", import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(tsxApi())}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: { clientId: options.clientId, clientSecret: options.clientSecret } },
  );
  const waiting = new Map<number, (reply: WorkerReply) => void>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (reply: WorkerReply) => {
      if (reply.type === "ready") resolve(reply.url);
      else if (reply.type === "issued") options.onIssue(reply.token);
      else {
        waiting.get(reply.id)?.(reply);
        waiting.delete(reply.id);
      }
    });
  });
  const ask = (command: Command): Promise<WorkerReply> => {
    const id = ++nextId;
    return new Promise<WorkerReply>((resolve) => {
      waiting.set(id, resolve);
      worker.postMessage({ ...command, id });
    });
  };
  return {
    url,
    async configure(settings) {
      await ask({ type: "configure", ...settings });
    },
    async stats(routes) {
      const reply = await ask({ type: "stats", routes });
      if (reply.type !== "stats") throw new Error(`the server worker answered ${reply.type} to stats`);
      return reply;
    },
    async close() {
      await ask({ type: "close" });
      await worker.terminate();
    },
  };
}
