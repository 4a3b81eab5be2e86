/**
 * Memory: heap and RSS of a fresh process (`--expose-gc`) that makes calls through this client
 * against the bench server, after a warm-up, after 5,000 calls and after 50,000 calls, each read
 * after two full garbage collections. What grows between 5,000 and 50,000 calls is what the client
 * keeps per call; the warm-up and the first 5,000 calls pay for compiled code and sockets.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createVariants, runConcurrent, type VariantName } from "./bench-calls.ts";

export interface MemoryPoint {
  calls: number;
  heapUsed: number;
  rss: number;
}

export interface MemoryResults {
  concurrency: number;
  points: MemoryPoint[];
  /** heapUsed after the last checkpoint minus after 5,000 calls. */
  heapGrowth: number;
  /** RSS after the last checkpoint minus after 5,000 calls. */
  rssGrowth: number;
}

/** Runs the measurement in a child process and returns what it reports. */
export function measureMemory(
  url: string,
  checkpoints = [5_000, 50_000],
  concurrency = 16,
  variant: VariantName = "instacart-connect",
): Promise<MemoryResults> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--child", url, checkpoints.join(","), String(concurrency), variant], {
      execArgv: ["--expose-gc", "--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: MemoryResults | undefined;
    child.once("message", (message) => (result = message as MemoryResults));
    child.once("error", reject);
    child.once("exit", (code) => (result && code === 0 ? resolve(result) : reject(new Error(`the memory benchmark exited with ${code}`))));
  });
}

/** Memory after full collections, with turns of the event loop between them for finalizers to run. */
async function snapshot(calls: number): Promise<MemoryPoint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { calls, heapUsed, rss };
}

async function child(url: string, checkpoints: number[], concurrency: number, variant: VariantName): Promise<MemoryResults> {
  const { [variant]: connect } = await createVariants(url);
  // Alternate GET and POST: half of the calls send a body.
  let n = 0;
  const call = (): Promise<void> => (n++ % 2 === 0 ? connect.GET() : connect.POST());
  const scratch = new Float64Array(Math.max(...checkpoints));
  await runConcurrent(call, 1_000, concurrency, scratch, 0);
  const points: MemoryPoint[] = [await snapshot(0)];
  let done = 0;
  for (const checkpoint of checkpoints) {
    await runConcurrent(call, checkpoint - done, concurrency, scratch, 0);
    done = checkpoint;
    points.push(await snapshot(done));
  }
  const first = points[1]!;
  const last = points.at(-1)!;
  return { concurrency, points, heapGrowth: last.heapUsed - first.heapUsed, rssGrowth: last.rss - first.rss };
}

if (process.argv[2] === "--child" && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once("disconnect", () => process.exit(1));
  const [url, list, concurrency, variant] = process.argv.slice(3);
  const result = await child(url!, list!.split(",").map(Number), Number(concurrency), variant as VariantName);
  process.send?.(result, () => process.exit(0));
}
