/**
 * What every reliability test shares: time budgets (a call must settle within its budget, or the
 * test fails at the budget instead of hanging), the fault table written to test-results/, and the
 * outcome of a call as text for that table.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConnectError } from "../../../src/index.ts";

export interface Settled<T> {
  readonly ok: boolean;
  readonly value: T | undefined;
  readonly error: unknown;
  /** Milliseconds from the start of the call until it settled. */
  readonly elapsed: number;
}

/**
 * Runs `call` and settles within `budget` ms: a call that has not settled by then is reported as
 * hung (the test fails with that message; the call itself is left behind).
 */
export async function within<T>(budget: number, call: () => Promise<T>): Promise<Settled<T>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HungError(budget)), budget);
  });
  try {
    const value = await Promise.race([call(), hung]);
    return { ok: true, value, error: undefined, elapsed: performance.now() - started };
  } catch (error) {
    if (error instanceof HungError) throw error;
    return { ok: false, value: undefined, error, elapsed: performance.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export class HungError extends Error {
  constructor(budget: number) {
    super(`the call did not settle within its ${budget} ms budget (it hangs)`);
  }
}

/** A one-line description of how a call ended, for the fault table. */
export function outcome(settled: Settled<unknown>): string {
  const time = `${Math.round(settled.elapsed)} ms`;
  if (settled.ok) {
    const response = (settled.value as { response?: unknown } | undefined)?.response;
    if (!(response instanceof Response)) return `resolved (${time})`;
    return `HTTP ${response.status} ${response.ok ? "data" : "error result"} (${time})`;
  }
  const error = settled.error;
  if (error instanceof ConnectError) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${typeof code === "string" ? ` ${code}` : ""}: "${error.message}" (${time})`;
  }
  return `untyped ${String(error)} (${time})`;
}

export interface FaultRow {
  readonly fault: string;
  readonly expected: string;
  readonly observed: string;
}

/** Collects the rows of one test file and writes them to test-results/reliability/<name>.json. */
export function faultTable(name: string): { add(row: FaultRow): void; write(extra?: Record<string, unknown>): string } {
  const rows: FaultRow[] = [];
  return {
    add: (row) => void rows.push(row),
    write(extra = {}) {
      const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
      const file = join(root, "test-results", "reliability", `${name}.json`);
      mkdirSync(dirname(file), { recursive: true });
      // Concurrent tests add rows in any order: sort them so the table reads the same every run.
      const sorted = [...rows].sort((a, b) => a.fault.localeCompare(b.fault));
      writeFileSync(file, `${JSON.stringify({ rows: sorted, ...extra }, null, 2)}\n`);
      return file;
    },
  };
}
