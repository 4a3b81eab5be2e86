/**
 * Faults on demand (LocalStack/toxiproxy style): per operation or for all, always, a number of
 * times, or at a rate. A request meets the rules in order: every matching `latency` adds its delay
 * (real milliseconds, since it is the client's real-time timeouts it tests), then the first matching
 * answer fault wins: `rate_limit` (429 with `Retry-After`), `server_error` (500 or another 5xx),
 * `reset` (the connection is dropped without an answer) or `hang` (no answer until the client gives
 * up or the simulator closes). Faults apply before authentication and validation, as a gateway's would.
 */
import type { Random } from "./random.js";

export type FaultKind = "rate_limit" | "server_error" | "latency" | "reset" | "hang";

export interface FaultRule {
  fault: FaultKind;
  /** The operationId(s) it applies to; omitted = every operation. */
  operation?: string | readonly string[];
  /** Probability per matching request, 0–1. Default 1. */
  rate?: number;
  /** How many requests it applies to, then it is spent. Default: no limit. */
  times?: number;
  /** `rate_limit`: the `Retry-After` value in seconds. Default 1. */
  retryAfter?: number;
  /** `server_error`: the status, 500–599. Default 500. */
  status?: number;
  /** `latency`: the delay in ms. Default 100. */
  ms?: number;
}

export interface FaultHandle {
  /** Requests it has applied to so far. */
  readonly applied: number;
  remove(): void;
}

export interface Faults {
  add(rule: FaultRule): FaultHandle;
  clear(): void;
}

/** What the request path does for one request. */
export interface FaultDecision {
  delayMs: number;
  answer:
    | { kind: "rate_limit"; retryAfter: number }
    | { kind: "server_error"; status: number }
    | { kind: "reset" }
    | { kind: "hang" }
    | undefined;
  /** Names of the faults applied, for the request log. */
  applied: string[];
}

interface ActiveRule {
  rule: FaultRule;
  applied: number;
}

function checkRule(rule: FaultRule): void {
  const kinds: FaultKind[] = ["rate_limit", "server_error", "latency", "reset", "hang"];
  if (!kinds.includes(rule.fault)) throw new TypeError(`fault must be one of ${kinds.join(", ")}`);
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new RangeError("fault rate must be between 0 and 1");
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times >= 0))
    throw new RangeError("fault times must be a non-negative integer");
  if (rule.status !== undefined && !(Number.isInteger(rule.status) && rule.status >= 500 && rule.status <= 599)) {
    throw new RangeError("fault status must be a 5xx status");
  }
  if (rule.ms !== undefined && !(Number.isFinite(rule.ms) && rule.ms >= 0)) throw new RangeError("fault ms must be a non-negative number");
  if (rule.retryAfter !== undefined && !(Number.isInteger(rule.retryAfter) && rule.retryAfter >= 0)) {
    throw new RangeError("fault retryAfter must be a non-negative integer number of seconds");
  }
}

export function createFaults(random: Random, initial: readonly FaultRule[] = []): Faults & { decide(operationId: string): FaultDecision } {
  const rules: ActiveRule[] = [];
  const matches = (active: ActiveRule, operationId: string): boolean => {
    const { operation, times, rate } = active.rule;
    if (times !== undefined && active.applied >= times) return false;
    if (operation !== undefined && !(typeof operation === "string" ? [operation] : operation).includes(operationId)) return false;
    return rate === undefined || rate >= 1 || random.next() < rate;
  };
  const faults = {
    add(rule: FaultRule): FaultHandle {
      checkRule(rule);
      const active: ActiveRule = { rule: { ...rule }, applied: 0 };
      rules.push(active);
      return {
        get applied() {
          return active.applied;
        },
        remove() {
          const index = rules.indexOf(active);
          if (index >= 0) rules.splice(index, 1);
        },
      };
    },
    clear() {
      rules.length = 0;
    },
    decide(operationId: string): FaultDecision {
      const decision: FaultDecision = { delayMs: 0, answer: undefined, applied: [] };
      for (const active of rules) {
        if (decision.answer !== undefined && active.rule.fault !== "latency") continue;
        if (!matches(active, operationId)) continue;
        active.applied += 1;
        const { rule } = active;
        decision.applied.push(rule.fault);
        if (rule.fault === "latency") decision.delayMs += rule.ms ?? 100;
        else if (rule.fault === "rate_limit") decision.answer = { kind: "rate_limit", retryAfter: rule.retryAfter ?? 1 };
        else if (rule.fault === "server_error") decision.answer = { kind: "server_error", status: rule.status ?? 500 };
        else decision.answer = { kind: rule.fault };
      }
      return decision;
    },
  };
  for (const rule of initial) faults.add(rule);
  return faults;
}
