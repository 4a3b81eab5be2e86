/**
 * The runtimes of the matrix and how each runs the smoke suite: Node.js (this machine's and the
 * pinned ones), Bun, Deno and edge-runtime run it as a script; workerd serves it as a Workers module
 * with no compatibility flags and an old compatibility date (no `nodejs_compat`: `Buffer` and
 * `process` do not exist there, which is the point). Where there is `node:http`, the node adapter too.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../support/free-port.ts";
import { bundle } from "./bundle.ts";
import { binaries, RUNTIME_PACKAGES } from "./install.ts";
import { runToEnd, startServer } from "./run.ts";
import { SMOKE_MARK, type SmokeResult } from "./smoke.ts";

/** What a runtime run left behind: the smoke result and everything the runtime printed. */
export interface SmokeRun {
  result: SmokeResult | undefined;
  output: string;
}

export interface Runtime {
  readonly name: string;
  /** Whether it has `node:http`, so the `instacart-connect/node` adapter runs there too (node-main.ts). */
  readonly nodeHttp: boolean;
  /** The runtime's part of the client's User-Agent (`node/22.23.5`), or undefined where there is no `process`. */
  readonly userAgent: string | undefined;
  /** Runs the smoke suite against `api`, with `dir` for its files. */
  smoke(api: string, dir: string): Promise<SmokeRun>;
}

/** The version pinned for `name` in RUNTIME_PACKAGES. */
const pinned = (name: string): string => RUNTIME_PACKAGES[name]?.replace(/^.*@/, "") ?? "?";

/** Runs one bundled script to its end; its marked result line, parsed, and its output. */
async function runScript(command: string[]): Promise<SmokeRun> {
  const finished = await runToEnd(command, { timeoutMs: 60_000 });
  const line = finished.stdout.split("\n").find((each) => each.startsWith(SMOKE_MARK));
  const result = line ? (JSON.parse(line.slice(SMOKE_MARK.length)) as SmokeResult) : undefined;
  return { result, output: `${finished.output}\n[exit ${finished.code ?? finished.signal}]` };
}

/** A runtime that runs the smoke suite's IIFE bundle as a script (and, with `node:http`, node-main.ts's bundle after it). */
function scriptRuntime(name: string, userAgent: string | undefined, command: (file: string) => string[], nodeHttp = true): Runtime {
  return {
    name,
    nodeHttp,
    userAgent,
    async smoke(api, dir) {
      const define = { SMOKE_API: api };
      const smoke = await bundle({
        entry: { file: "test/runtimes/script-main.ts" },
        format: "iife",
        define,
        outfile: join(dir, "smoke.js"),
      });
      const runs = [await runScript(command(smoke))];
      if (nodeHttp) {
        const outfile = join(dir, "node-main.mjs");
        const node = await bundle({ entry: { file: "test/runtimes/node-main.ts" }, format: "esm", platform: "node", outfile });
        runs.push(await runScript(command(node)));
      }
      const result = runs.every((run) => run.result) ? Object.assign({}, ...runs.map((run) => run.result)) : undefined;
      return { result, output: runs.map((run) => run.output).join("\n") };
    },
  };
}

export const WORKERD_COMPATIBILITY_DATE = "2021-11-03";

/**
 * workerd's config: the module `worker.mjs` next to it with text bindings (its `env`), a socket on
 * 127.0.0.1:`port`, and outbound fetches allowed to loopback addresses only.
 */
export function workerdConfig(port: number, bindings: Record<string, string> = {}): string {
  const env = Object.entries(bindings).map(([name, text]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(text)})`);
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "worker", worker = .worker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "worker")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  bindings = [${env.join(", ")}],
  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
);
`;
}

const workerd: Runtime = {
  nodeHttp: false,
  userAgent: undefined,
  name: `workerd ${pinned("@cloudflare/workerd-linux-64")} (compatibility date ${WORKERD_COMPATIBILITY_DATE}, no flags)`,
  async smoke(api, dir) {
    await bundle({
      entry: { file: "test/runtimes/worker-main.ts" },
      format: "esm",
      define: { SMOKE_API: api },
      outfile: join(dir, "worker.mjs"),
    });
    const port = await freePort();
    await writeFile(join(dir, "config.capnp"), workerdConfig(port));
    const server = await startServer([binaries.workerd, "serve", join(dir, "config.capnp"), "--verbose"], `http://127.0.0.1:${port}/`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/smoke`);
      const text = await response.text();
      return { result: response.ok ? (JSON.parse(text) as SmokeResult) : undefined, output: `${server.output()}\n${text}` };
    } finally {
      await server.stop();
    }
  },
};

/** A Node.js binary running the smoke script (`note` after its name). */
const nodeRuntime = (version: string, binary: string, note = ""): Runtime =>
  scriptRuntime(`Node.js ${version}${note}`, `node/${version}`, (file) => [binary, file]);

/** Every runtime of the matrix. */
export function matrix(): Runtime[] {
  return [
    nodeRuntime(pinned("node20"), binaries.node20, " (the oldest engines allows)"),
    nodeRuntime(process.versions.node, process.execPath, " (this machine)"),
    nodeRuntime(pinned("node22"), binaries.node22),
    nodeRuntime(pinned("node24"), binaries.node24),
    nodeRuntime(pinned("node26"), binaries.node26),
    scriptRuntime(`Bun ${pinned("@oven/bun-linux-x64")}`, `bun/${pinned("@oven/bun-linux-x64")}`, (file) => [binaries.bun, file]),
    scriptRuntime(`Deno ${pinned("@deno/linux-x64-glibc")}`, `deno/${pinned("@deno/linux-x64-glibc")}`, (file) => [
      binaries.deno,
      "run",
      "--allow-net=127.0.0.1",
      file,
    ]),
    workerd,
    // Vercel's edge VM has no `process`, so no User-Agent.
    scriptRuntime(
      `edge-runtime ${pinned("edge-runtime")} (on this Node.js)`,
      undefined,
      (file) => [process.execPath, binaries.edgeRuntime, file],
      false,
    ),
  ];
}
