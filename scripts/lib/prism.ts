/**
 * Starts a Prism mock server from the bundled spec on a free loopback port and stops it by its own
 * PID. Used by `npm run mock`, the test suite's global setup and the package test.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { bundledSpec } from "./paths.ts";

const require = createRequire(import.meta.url);
const prismBin: string = require.resolve("@stoplight/prism-cli/dist/index.js");

export interface MockServer {
  /** Origin of the mock, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** The last lines Prism printed (for diagnostics). */
  output(): string;
  /** Stops Prism (SIGTERM, then SIGKILL after 5 s) and resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartPrismOptions {
  spec?: string;
  host?: string;
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** Milliseconds to wait for `Prism is listening`. Default 30 s. */
  readyTimeout?: number;
  /** Extra Prism arguments, e.g. `["--dynamic"]`. */
  args?: string[];
}

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port"));
      });
    });
  });
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function startOnce(options: Required<Omit<StartPrismOptions, "port">> & { port: number }): Promise<MockServer> {
  const { spec, host, port, readyTimeout, args } = options;
  const child = spawn(process.execPath, [prismBin, "mock", spec, "-h", host, "-p", String(port), "--errors", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  running.add(child);
  const lines: string[] = [];
  const remember = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
    }
  };
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );

  const server: MockServer = {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    pid: child.pid ?? -1,
    output: () => lines.join("\n"),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };

  return new Promise<MockServer>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void server.stop().then(() => reject(new Error(`${reason}\n--- Prism output ---\n${server.output()}`)));
    };
    const timer = setTimeout(() => fail(`Prism did not start within ${readyTimeout} ms`), readyTimeout);
    // Drain both pipes for the life of the process: a full pipe would block Prism.
    child.stderr?.on("data", remember);
    child.stdout?.on("data", (chunk: Buffer) => {
      remember(chunk);
      if (!settled && chunk.toString("utf8").includes("Prism is listening")) {
        settled = true;
        clearTimeout(timer);
        resolve(server);
      }
    });
    child.once("error", (error) => fail(`Prism could not be started: ${error.message}`));
    child.once("exit", (code, signal) => fail(`Prism exited before it was ready (code ${code}, signal ${signal})`));
  });
}

/** Starts Prism and resolves once its own output says it is listening. Retries on a lost port race. */
export async function startPrism(options: StartPrismOptions = {}): Promise<MockServer> {
  const host = options.host ?? "127.0.0.1";
  const base = {
    spec: options.spec ?? bundledSpec,
    host,
    readyTimeout: options.readyTimeout ?? 30_000,
    args: options.args ?? [],
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return await startOnce({ ...base, port });
    } catch (error) {
      lastError = error;
      if (options.port !== undefined) break;
    }
  }
  throw lastError;
}
