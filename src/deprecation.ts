/**
 * Deprecation warnings: once per deprecated operation (from the spec's table), and once per
 * `Deprecation`/`Sunset` response header values, per handler and process; at most 5 per operation.
 */
import { describeTarget, type CallTarget } from "./errors.js";
import { emitWarning } from "./warnings.js";

export interface DeprecationInfo {
  /** `spec`: the operation is deprecated in the spec; `header`: the response carried `Deprecation`/`Sunset`. */
  readonly source: "spec" | "header";
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The replacement the spec names (operationId or field), when there is one. */
  readonly replacedBy: string | undefined;
  /** The `Deprecation` response header, when present. */
  readonly deprecation: string | undefined;
  /** The `Sunset` response header, when present. */
  readonly sunset: string | undefined;
  /** A ready-to-print sentence. */
  readonly message: string;
}

export type DeprecationHandler = (info: DeprecationInfo) => void;

/** The default handler: a Node.js `DeprecationWarning` (silenced by `--no-deprecation`; `console.warn` outside Node.js). */
export const emitDeprecationWarning: DeprecationHandler = (info) => {
  emitWarning(info.message, { type: "DeprecationWarning", code: "INSTACART_CONNECT_DEPRECATED" });
};

/** Deprecations reported per operation at most: a server that changes its header values on every call floods no log. */
const MAX_REPORTS_PER_OPERATION = 5;
/** Operations remembered per handler (the oldest is forgotten first); header values are remembered up to this length. */
const MAX_OPERATIONS = 1000;
const MAX_VALUE_LENGTH = 200;

/**
 * What has been reported, per handler, then per operation. "Once per operation per process" is the
 * contract, so this is the one piece of process-wide state; a WeakMap keyed by the handler lets tests
 * and different handlers each see their own first warning. Both levels are bounded.
 */
const reported = new WeakMap<DeprecationHandler, Map<string, Set<string>>>();

/** Whether `what` (of the operation `target`) is new to `handler` and may still be reported; remembers it if so. */
function firstReport(handler: DeprecationHandler, target: CallTarget, what: string): boolean {
  let operations = reported.get(handler);
  if (!operations) {
    operations = new Map();
    reported.set(handler, operations);
  }
  const operation = `${target.method} ${target.path}`;
  let seen = operations.get(operation);
  if (!seen) {
    if (operations.size >= MAX_OPERATIONS) operations.delete(operations.keys().next().value as string);
    seen = new Set();
    operations.set(operation, seen);
  }
  const key = what.slice(0, MAX_VALUE_LENGTH);
  if (seen.has(key) || seen.size >= MAX_REPORTS_PER_OPERATION) return false;
  seen.add(key);
  return true;
}

/** Reports a deprecated operation of the spec, the first time it is used. */
export function warnDeprecatedOperation(handler: DeprecationHandler, target: CallTarget, replacedBy: string | undefined): void {
  if (!firstReport(handler, target, "spec")) return;
  const instead = replacedBy ? `; use ${replacedBy} instead` : " (the docs name no replacement)";
  handler({
    source: "spec",
    ...target,
    replacedBy,
    deprecation: undefined,
    sunset: undefined,
    message: `Instacart Connect: ${describeTarget(target)} is deprecated${instead}. Deprecated operations stay supported for at least six months after the announcement.`,
  });
}

/** Reports `Deprecation`/`Sunset` response headers, once per operation and header values (at most 5 per operation). */
export function warnDeprecationHeaders(
  handler: DeprecationHandler,
  target: CallTarget,
  headers: Headers,
  replacedBy: string | undefined,
): void {
  const deprecation = headers.get("deprecation") ?? undefined;
  const sunset = headers.get("sunset") ?? undefined;
  if (deprecation === undefined && sunset === undefined) return;
  if (!firstReport(handler, target, `${deprecation} ${sunset}`)) return;
  const said = [deprecation && `Deprecation: ${deprecation}`, sunset && `Sunset: ${sunset}`].filter(Boolean).join(", ");
  handler({
    source: "header",
    ...target,
    replacedBy,
    deprecation,
    sunset,
    message: `Instacart Connect: the response of ${describeTarget(target)} says it is deprecated (${said})${replacedBy ? `; use ${replacedBy} instead` : ""}.`,
  });
}
