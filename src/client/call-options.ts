/**
 * The options of one call: which keys a call may pass, the per-call `timeout`, `maxRetries` and
 * `idempotent`, and the path parameters, checked before anything is sent.
 */
import { ConnectRequestError, describeTarget, type CallTarget } from "../errors.js";
import { checkInteger, MAX_RETRIES, MAX_TIMEOUT } from "./options.js";

/**
 * What a call may pass besides `timeout`, `maxRetries` and `idempotent`: openapi-fetch's request
 * options and the `RequestInit` members that make sense. Not `baseUrl`, `fetch`, `Request` or
 * `pathSerializer` (they would bypass the server rules and the path encoding), nor `redirect`; and
 * a misspelled option fails instead of being ignored.
 */
export const CALL_OPTION_KEYS = [
  "params",
  "body",
  "headers",
  "signal",
  "parseAs",
  "querySerializer",
  "bodySerializer",
  "middleware",
  "cache",
  "credentials",
  "integrity",
  "keepalive",
  "mode",
  "priority",
  "referrer",
  "referrerPolicy",
] as const;
const CALL_KEYS = new Set<string>(CALL_OPTION_KEYS);

/** A call's own options, checked, and the rest for openapi-fetch. */
export interface SplitCallOptions {
  readonly timeout: number;
  readonly maxRetries: number;
  readonly idempotent: boolean;
  readonly request: Record<string, unknown>;
}

/** Separates a call's own options from openapi-fetch's, refusing unknown keys and bad values. */
export function splitCallOptions(
  target: CallTarget,
  init: Record<string, unknown> | undefined,
  defaults: { timeout: number; maxRetries: number },
): SplitCallOptions {
  const { timeout, maxRetries, idempotent, ...request } = init ?? {};
  for (const key in request) {
    if (!CALL_KEYS.has(key)) {
      throw new ConnectRequestError(`${describeTarget(target)}: unknown call option \`${key}\` (known: ${[...CALL_KEYS].join(", ")}).`, {
        target,
      });
    }
  }
  return {
    timeout: checkInteger("timeout", timeout, 1, MAX_TIMEOUT, target) ?? defaults.timeout,
    maxRetries: checkInteger("maxRetries", maxRetries, 0, MAX_RETRIES, target) ?? defaults.maxRetries,
    idempotent: idempotent === true,
    request,
  };
}

/** Checks the path parameters of a call (`names`: those of its path template) before anything is sent. */
export function checkPathParams(target: CallTarget, names: readonly string[], params: unknown): void {
  if (names.length === 0) return;
  const values = (params as { path?: Record<string, unknown> } | undefined)?.path ?? {};
  for (const name of names) {
    const value = values[name];
    if (typeof value === "string" && value !== "" && value !== "." && value !== "..") continue;
    const where = `${target.operationId ?? `${target.method} ${target.path}`}: path parameter \`${name}\``;
    const refuse = (problem: string): never => {
      throw new ConnectRequestError(`${where} ${problem}`, { target });
    };
    if (value === undefined || value === null) refuse("is missing.");
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint")
      refuse(`must be a string or a number, got ${typeof value}.`);
    const text = String(value);
    if (text === "") refuse("must not be empty.");
    // URLs resolve "." and ".." segments (even percent-encoded ones): such an ID would change the path.
    if (text === "." || text === "..") refuse(`cannot be "${text}": it would change the path.`);
  }
}
