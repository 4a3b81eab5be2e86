/**
 * Runs a runtime as a child process: to its end (a script), or as a server until stopped. Every
 * process is stopped by its PID; what it printed (stdout and stderr) is kept for the checks.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

export interface Running {
  readonly pid: number;
  output(): string;
  /** SIGTERM by PID, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** Starts `command` with `env` (default: this process's environment), colours off. */
function launch(command: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const [binary, ...args] = command;
  if (binary === undefined) throw new Error("empty command");
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...env, NO_COLOR: "1" } });
  const seen = { stdout: "", output: "" };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    seen.stdout += chunk;
    seen.output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    seen.output += chunk;
  });
  const exited = new Promise<Finished>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, ...seen }));
  });
  return { child, seen, exited };
}

/** SIGTERM by PID (SIGKILL 5 s later if it is still there); resolves once it exited. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  const pid = child.pid;
  const running = pid !== undefined && child.exitCode === null && child.signalCode === null;
  if (!running) {
    await exited.catch(() => undefined);
    return;
  }
  process.kill(pid, "SIGTERM");
  const killer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, "SIGKILL"), 5_000);
  await exited.catch(() => undefined);
  clearTimeout(killer);
}

/** Runs `command` to its end; past `timeoutMs` it is stopped and the result says so. */
export async function runToEnd(command: readonly string[], options: { timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<Finished> {
  const { child, exited } = launch(command, options.env);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopChild(child, exited);
  }, options.timeoutMs);
  const finished = await exited.finally(() => clearTimeout(timer));
  if (timedOut) finished.output += `\n[stopped after ${options.timeoutMs} ms]`;
  return finished;
}

/** Starts `command` as a server; ready once `url` answers any HTTP response (polled every 50 ms, up to 20 s). */
export async function startServer(command: readonly string[], url: string, env?: NodeJS.ProcessEnv): Promise<Running> {
  const { child, seen, exited } = launch(command, env);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command[0]} did not start: ${(await exited.catch((error: Error) => error)).toString()}`);
  const running: Running = { pid, output: () => seen.output, stop: () => stopChild(child, exited) };
  let ended = false;
  void exited.finally(() => {
    ended = true;
  });
  const deadline = Date.now() + 20_000;
  while (!ended && Date.now() < deadline) {
    if (await answers(url)) return running;
    await sleep(50);
  }
  await running.stop();
  throw new Error(`${command.join(" ")} did not answer at ${url}:\n${seen.output}`);
}

/** Whether anything answers HTTP at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: "OPTIONS" });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
