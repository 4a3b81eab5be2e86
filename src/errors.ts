/**
 * The ConnectError family. Every error this package throws extends `ConnectError`; the errors of a
 * call extend `ConnectCallError`, which names the call (operationId, method, path). No error ever
 * holds a client secret or a token: messages are built from Instacart's answer and the call's
 * method, path and operation, and anything a server echoes back is scrubbed of known secrets.
 */
import { parseErrorBody, parseViolations, type ConnectErrorItem, type SpecViolation } from "./error-body.js";

export type { ConnectErrorItem, SpecViolation } from "./error-body.js";

/** Where a call was going: attached to the errors of that call. */
export interface CallTarget {
  /** The spec's operationId, e.g. `createDeliveryOrder` (undefined for a path the spec does not know). */
  readonly operationId: string | undefined;
  readonly method: string;
  /** The spec's path template, e.g. `/v2/fulfillment/users/{user_id}/orders/delivery`. */
  readonly path: string;
}

/** `operationId (METHOD path)`, or `METHOD path` for a path the spec does not know: how errors and warnings name a call. */
export function describeTarget(target: CallTarget): string {
  return target.operationId ? `${target.operationId} (${target.method} ${target.path})` : `${target.method} ${target.path}`;
}

/** An error's message, or the thrown value as text (also a value `String()` cannot convert, such as an object without a prototype). */
export function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return `a value that cannot be converted to a string (${typeof error})`;
  }
}

/** The base of every error this package throws. */
export class ConnectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid client options, found when the client is created. */
export class ConnectConfigError extends ConnectError {}

/** The base of the errors of one call: names the operation, the method and the path template. */
export class ConnectCallError extends ConnectError {
  /** The spec's operationId (undefined for a path the spec does not know, or an error of no single call). */
  declare readonly operationId: string | undefined;
  /** The HTTP method (undefined for an error of no single call, e.g. a shared token request). */
  declare readonly method: string | undefined;
  /** The spec's path template. */
  declare readonly path: string | undefined;

  constructor(message: string, options: { target?: Partial<CallTarget> | undefined; cause?: unknown } = {}) {
    const { target, cause } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.operationId = target?.operationId;
    this.method = target?.method;
    this.path = target?.path;
  }
}

/** A call that cannot be sent as asked (e.g. an empty path parameter, a Sandbox call to production). */
export class ConnectRequestError extends ConnectCallError {}

/** The parts of a failed call that `ConnectApiError` reads. */
export interface FailedCall {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  readonly target: CallTarget;
}

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id"];

/** The text after `failed with HTTP n`: the mock's violations when there are some, else Instacart's message and code. */
function apiErrorDetail(body: unknown, violations: readonly SpecViolation[]): string {
  if (violations.length > 0) {
    const listed = violations.map((v) => (/^[a-z]/.test(v.message) ? `${v.field} ${v.message}` : `${v.field}: ${v.message}`));
    return `: the request breaks the spec (sl-violations): ${listed.join("; ")}`;
  }
  const parsed = parseErrorBody(body);
  const item = parsed?.item;
  const detail = item?.message || (typeof body === "string" && body.length > 0 && body.length <= 200 ? body : "");
  const codeText =
    item?.code !== undefined && item.code !== null
      ? ` (code ${item.code}${item.key ? `, ${item.key}` : ""})`
      : item?.key
        ? ` (${item.key})`
        : "";
  const nested = parsed?.errors.length ? `: ${parsed.errors.map((e) => (e.key ? `${e.key}: ${e.message}` : e.message)).join("; ")}` : "";
  return `${detail ? `: ${detail}` : ""}${codeText}${nested}`;
}

/**
 * Instacart answered with an error status (4xx/5xx). Carries the status, Instacart's `code`,
 * `message` and `meta.key`, the nested errors of the multiple-errors form, the call's method, path
 * and operationId, the request id header when the server sent one, and the response headers. When
 * a Prism mock refused the request, its `sl-violations` are named instead of its example body.
 */
export class ConnectApiError extends ConnectCallError {
  declare readonly method: string;
  declare readonly path: string;
  declare readonly status: number;
  /** Instacart's error code (`error.code`), `null` when Instacart sends null, undefined when absent. */
  declare readonly code: number | null | undefined;
  /** `meta.key`: the request field the error is about (for the OAuth endpoints: the OAuth error name). */
  declare readonly key: string | undefined;
  /** The whole `meta` object. */
  declare readonly meta: Readonly<Record<string, unknown>> | undefined;
  /** The problems of the multiple-errors form (code 9999); empty for a single error. */
  declare readonly errors: readonly ConnectErrorItem[];
  /** What a Prism mock found wrong with the request (its `sl-violations` header); empty otherwise. */
  declare readonly violations: readonly SpecViolation[];
  /** The request id response header, when the server sent one. */
  declare readonly requestId: string | undefined;
  /** The parsed error body as Instacart sent it. */
  declare readonly body: unknown;
  /** The response headers (not enumerable: kept out of logs and JSON). */
  declare readonly headers: Headers;

  constructor(call: FailedCall, options?: { cause?: unknown; prefix?: string }) {
    const violations = parseViolations(call.headers.get("sl-violations"));
    super(
      `${options?.prefix ?? ""}${describeTarget(call.target)} failed with HTTP ${call.status}${apiErrorDetail(call.body, violations)}`,
      {
        target: call.target,
        cause: options?.cause,
      },
    );
    const parsed = parseErrorBody(call.body);
    this.status = call.status;
    this.code = parsed?.item.code;
    this.key = parsed?.item.key;
    this.meta = parsed?.item.meta;
    this.errors = parsed?.errors ?? [];
    this.violations = violations;
    this.requestId = REQUEST_ID_HEADERS.map((name) => call.headers.get(name)).find((value) => value) ?? undefined;
    this.body = call.body;
    Object.defineProperty(this, "headers", { value: call.headers, enumerable: false });
  }
}

/**
 * A token could not be obtained (the token endpoint refused, failed or answered without a token), or
 * Instacart refused a fresh token with 401. Carries Instacart's message; never the credentials.
 * `operationId`, `method` and `path` name the call when the failure belongs to one call.
 */
export class ConnectAuthError extends ConnectCallError {
  /** HTTP status of the refusal, when there was one. */
  declare readonly status: number | undefined;
  /** Instacart's error code or OAuth error name, when given. */
  declare readonly code: number | string | null | undefined;

  constructor(
    message: string,
    options: {
      status?: number | undefined;
      code?: number | string | null | undefined;
      target?: CallTarget | undefined;
      /** The operation alone, when there is no target (the 0.1.0 form of this option). */
      operationId?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { target: options.target ?? { operationId: options.operationId }, cause: options.cause });
    this.status = options.status;
    this.code = options.code;
  }
}

/** An attempt took longer than its timeout. Names the operation and the attempt. */
export class ConnectTimeoutError extends ConnectCallError {
  declare readonly method: string;
  declare readonly path: string;
  /** 1-based attempt number that timed out. */
  declare readonly attempt: number;
  /** The per-attempt timeout, in milliseconds. */
  declare readonly timeout: number;

  constructor(target: CallTarget, attempt: number, attempts: number, timeout: number) {
    super(`${describeTarget(target)} timed out after ${timeout} ms (attempt ${attempt} of ${attempts})`, { target });
    this.attempt = attempt;
    this.timeout = timeout;
  }
}

/** The system error code of a fetch failure (undici nests it in `cause`). */
export function systemErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessageChain(error: Error): string {
  const parts: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(": ");
}

/** The request could not be completed: connection refused or reset, DNS failure, TLS error… */
export class ConnectNetworkError extends ConnectCallError {
  declare readonly method: string;
  declare readonly path: string;
  declare readonly attempt: number;
  /** The system error code when there is one (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`…). */
  declare readonly code: string | undefined;

  constructor(target: CallTarget, attempt: number, attempts: number, cause: unknown) {
    const reason = (cause instanceof Error && errorMessageChain(cause)) || "network error";
    super(`${describeTarget(target)} failed on attempt ${attempt} of ${attempts}: ${reason}`, { target, cause });
    this.attempt = attempt;
    this.code = systemErrorCode(cause);
  }
}

/** The caller aborted the call (its `signal`). `cause` is the signal's reason. */
export class ConnectAbortError extends ConnectCallError {
  declare readonly method: string;
  declare readonly path: string;
  constructor(target: CallTarget, reason: unknown) {
    super(`${describeTarget(target)} was aborted by the caller`, { target, cause: reason });
  }
}

/**
 * A response whose body is not what the spec promises (invalid JSON, an empty body), or that holds
 * an integer a JavaScript number cannot hold exactly: the call fails rather than round an ID.
 */
export class ConnectResponseError extends ConnectCallError {
  declare readonly method: string;
  declare readonly path: string;
  declare readonly status: number;
  /** The body field the problem is in, e.g. `service_options[0].id` (an inexact integer). */
  declare readonly field: string | undefined;
  /** That field's value exactly as the server sent it, e.g. `9007199254740993`. */
  declare readonly exactValue: string | undefined;

  constructor(
    target: CallTarget,
    status: number,
    problem: string,
    options: { cause?: unknown; field?: string | undefined; exactValue?: string | undefined } = {},
  ) {
    super(`${describeTarget(target)} answered HTTP ${status} with ${problem}`, { target, cause: options.cause });
    this.status = status;
    this.field = options.field;
    this.exactValue = options.exactValue;
  }
}
