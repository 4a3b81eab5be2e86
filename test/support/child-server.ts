/**
 * A server binary run as a child process in the foreground, so the PID held is the server: ready when
 * its output matches a line, stopped by that PID. A missing binary is an error (never a skip).
 */
import { type ChildProcess, spawn, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

export interface ChildServer {
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM by PID, then waits for it to exit. */
  stop(): Promise<void>;
}

/** The first of `candidates` that exists, or an error that says how to install it. */
export function findBinary(candidates: string[], install: string): string {
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${candidates[0]} is missing: install it (${install}); .ci/run does.`);
  return found;
}

export async function startChild(
  binary: string,
  args: string[],
  ready: RegExp,
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<ChildServer> {
  const child: ChildProcess = spawn(binary, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${binary} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${output}`)),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Uint8Array): void => {
      output += new TextDecoder().decode(chunk);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    child.once("error", fail);
    void exited.then(() => fail(new Error(`${binary} exited before it was ready:\n${output}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${binary} has no PID`);
  return {
    pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
      await exited;
    },
  };
}
