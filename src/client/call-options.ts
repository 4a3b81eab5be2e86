/**
 * The options of one call: which keys a call may pass, the per-call `timeout`, `maxRetries` and
 * `idempotent`, and the path parameters, checked before anything is sent.
 */
import { ConnectRequestError, describeTarget, type CallTarget } from "../errors.js";
import type { SendOptions } from "../transport/call-state.js";
import { isSafeToRepeat } from "../transport/retry.js";
import { checkNumber, isHeaderValue, MAX_RETRIES, MAX_TIMEOUT, UNSENDABLE, unknownKey } from "./options.js";

/**
 * What a call may pass besides `timeout`, `maxRetries` and `idempotent`: openapi-fetch's request
 * options. Not `baseUrl`, `fetch`, `Request` or `pathSerializer` (they would bypass the server rules
 * and the path encoding), nor `RequestInit` members such as `redirect`, `cache` or `credentials`
 * (each attempt sends the method, headers, body and signal, nothing else); and a misspelled option
 * fails instead of being ignored.
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
] as const;
const CALL_KEYS = new Set<string>(CALL_OPTION_KEYS);

/**
 * Separates a call's own options (how it is sent) from openapi-fetch's (a copy, the call's own),
 * refusing unknown keys and bad values.
 */
export function splitCallOptions(
  target: CallTarget,
  init: Record<string, unknown> | undefined,
  defaults: { timeout: number; retry: { maxRetries: number } },
): { options: SendOptions; request: Record<string, unknown> } {
  const { timeout, maxRetries, idempotent, ...request } = init ?? {};
  const unknown = unknownKey(request, CALL_KEYS, "call option");
  if (unknown) throw new ConnectRequestError(`${describeTarget(target)}: ${unknown}`, { target });
  const header = badHeader(request.headers, (request.params as { header?: unknown } | undefined)?.header);
  if (header !== undefined) throw new ConnectRequestError(`${describeTarget(target)}: header \`${header}\` ${UNSENDABLE}`, { target });
  const options = {
    timeout: checkNumber("timeout", timeout, 1, MAX_TIMEOUT, true, target) ?? defaults.timeout,
    maxRetries: checkNumber("maxRetries", maxRetries, 0, MAX_RETRIES, true, target) ?? defaults.retry.maxRetries,
    safe: isSafeToRepeat(target.method, idempotent === true),
    json: (request.parseAs ?? "json") === "json",
  };
  return { options, request };
}

/** The first header a call sets (`headers`, `params.header`) whose value no request can carry, or undefined. (A `Headers` object holds only valid ones.) */
function badHeader(...sources: unknown[]): string | undefined {
  for (const source of sources) {
    if (typeof source !== "object" || source === null || source instanceof Headers) continue;
    for (const [name, value] of Object.entries(source)) {
      if ([value].flat().some((v) => v != null && !isHeaderValue(String(v)))) return name;
    }
  }
  return undefined;
}

/** What is wrong with a path parameter's value, or undefined. */
function pathParamProblem(value: unknown): string | undefined {
  if (value === undefined || value === null) return "is missing";
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint")
    return `must be a string or a number, got ${typeof value}`;
  const text = String(value);
  if (text === "") return "must not be empty";
  // URLs resolve "." and ".." segments (even percent-encoded ones): such an ID would change the path.
  if (text === "." || text === "..") return `cannot be "${text}": it would change the path`;
  return undefined;
}

/** Checks the path parameters of a call (`names`: those of its path template) before anything is sent. */
export function checkPathParams(target: CallTarget, names: readonly string[], params: unknown): void {
  const values = (params as { path?: Record<string, unknown> } | undefined)?.path ?? {};
  for (const name of names) {
    const problem = pathParamProblem(values[name]);
    if (problem)
      throw new ConnectRequestError(`${describeTarget(target)}: path parameter \`${name}\` ${problem}.`, {
        target,
      });
  }
}
