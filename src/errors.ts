/**
 * The ConnectError family. Every error this package throws extends `ConnectError`. No error ever
 * holds a client secret or a token: messages are built from Instacart's answer and the call's
 * method, path and operation, and anything a server echoes back is scrubbed of known secrets.
 */

/** Where a call was going: attached to the errors of that call. */
export interface CallTarget {
  /** The spec's operationId, e.g. `createDeliveryOrder` (undefined for a path the spec does not know). */
  readonly operationId: string | undefined;
  readonly method: string;
  /** The spec's path template, e.g. `/v2/fulfillment/users/{user_id}/orders/delivery`. */
  readonly path: string;
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

/** A call that cannot be sent as asked (e.g. an empty path parameter, a Sandbox call to production). */
export class ConnectRequestError extends ConnectError {}

/** One problem of Instacart's error envelope. */
export interface ConnectErrorItem {
  readonly message: string;
  /** Instacart's error code (`1001` invalid parameter, `4000` not found, …); `null` on some errors. */
  readonly code: number | null | undefined;
  /** `meta.key`: the request field the error is about. */
  readonly key: string | undefined;
  /** The whole `meta` object (some errors carry other keys). */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

/** The parts of a failed call that the error classes read. */
export interface FailedCall {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  readonly target: CallTarget;
}

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toItem(envelope: unknown): ConnectErrorItem | undefined {
  if (!isRecord(envelope) || !isRecord(envelope.error)) return undefined;
  const { message, code } = envelope.error;
  const meta = isRecord(envelope.meta) ? envelope.meta : undefined;
  return {
    message: typeof message === "string" ? message : "",
    code: typeof code === "number" || code === null ? code : undefined,
    key: typeof meta?.key === "string" ? meta.key : undefined,
    meta,
  };
}

/**
 * Reads Instacart's error envelope: `{ error: { message, code, errors? }, meta: { key } }`, where
 * `errors` (multiple-errors form, code 9999) holds one single-error envelope per problem. Also reads
 * the OAuth form `{ error: "name", error_description }`. Returns undefined for anything else.
 */
export function parseErrorBody(body: unknown): { item: ConnectErrorItem; errors: ConnectErrorItem[] } | undefined {
  const item = toItem(body);
  if (item) {
    const nested = isRecord(body) && isRecord(body.error) && Array.isArray(body.error.errors) ? body.error.errors : [];
    return { item, errors: nested.map(toItem).filter((e): e is ConnectErrorItem => e !== undefined) };
  }
  if (isRecord(body) && typeof body.error === "string") {
    const description = typeof body.error_description === "string" ? body.error_description : undefined;
    return {
      item: { message: description ? `${body.error}: ${description}` : body.error, code: undefined, key: body.error, meta: undefined },
      errors: [],
    };
  }
  return undefined;
}

/** `operationId (METHOD path)`, or `METHOD path` for a path the spec does not know: how errors and warnings name a call. */
export function describeTarget(target: CallTarget): string {
  return target.operationId ? `${target.operationId} (${target.method} ${target.path})` : `${target.method} ${target.path}`;
}

/**
 * Instacart answered with an error status (4xx/5xx). Carries the status, Instacart's `code`,
 * `message` and `meta.key`, the nested errors of the multiple-errors form, the call's method, path
 * and operationId, and the request id header when the server sent one.
 */
export class ConnectApiError extends ConnectError {
  readonly status: number;
  /** Instacart's error code (`error.code`), `null` when Instacart sends null, undefined when absent. */
  readonly code: number | null | undefined;
  /** `meta.key`: the request field the error is about (for the OAuth endpoints: the OAuth error name). */
  readonly key: string | undefined;
  /** The whole `meta` object. */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
  /** The problems of the multiple-errors form (code 9999); empty for a single error. */
  readonly errors: readonly ConnectErrorItem[];
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The request id response header, when the server sent one. */
  readonly requestId: string | undefined;
  /** The parsed error body as Instacart sent it. */
  readonly body: unknown;

  constructor(call: FailedCall, options?: { cause?: unknown; prefix?: string }) {
    const parsed = parseErrorBody(call.body);
    const detail = parsed?.item.message || (typeof call.body === "string" && call.body.length > 0 && call.body.length <= 200 ? call.body : "");
    const codeText = parsed?.item.code !== undefined && parsed.item.code !== null ? ` (code ${parsed.item.code}${parsed.item.key ? `, ${parsed.item.key}` : ""})` : parsed?.item.key ? ` (${parsed.item.key})` : "";
    const nested = parsed?.errors.length ? `: ${parsed.errors.map((e) => (e.key ? `${e.key}: ${e.message}` : e.message)).join("; ")}` : "";
    super(
      `${options?.prefix ?? ""}${describeTarget(call.target)} failed with HTTP ${call.status}${detail ? `: ${detail}` : ""}${codeText}${nested}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = call.status;
    this.code = parsed?.item.code;
    this.key = parsed?.item.key;
    this.meta = parsed?.item.meta;
    this.errors = parsed?.errors ?? [];
    this.operationId = call.target.operationId;
    this.method = call.target.method;
    this.path = call.target.path;
    this.requestId = REQUEST_ID_HEADERS.map((name) => call.headers.get(name)).find((value) => value) ?? undefined;
    this.body = call.body;
  }
}

/**
 * A token could not be obtained (the token endpoint refused, failed or answered without a token), or
 * Instacart refused a fresh token with 401. Carries Instacart's message; never the credentials.
 */
export class ConnectAuthError extends ConnectError {
  /** HTTP status of the refusal, when there was one. */
  readonly status: number | undefined;
  /** Instacart's error code or OAuth error name, when given. */
  readonly code: number | string | null | undefined;
  readonly operationId: string | undefined;

  constructor(
    message: string,
    options: { status?: number | undefined; code?: number | string | null | undefined; operationId?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.operationId = options.operationId;
  }
}

/** An attempt took longer than its timeout. Names the operation and the attempt. */
export class ConnectTimeoutError extends ConnectError {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** 1-based attempt number that timed out. */
  readonly attempt: number;
  /** The per-attempt timeout, in milliseconds. */
  readonly timeout: number;

  constructor(target: CallTarget, attempt: number, attempts: number, timeout: number) {
    super(`${describeTarget(target)} timed out after ${timeout} ms (attempt ${attempt} of ${attempts})`);
    this.operationId = target.operationId;
    this.method = target.method;
    this.path = target.path;
    this.attempt = attempt;
    this.timeout = timeout;
  }
}

/** The request could not be completed: connection refused or reset, DNS failure, TLS error… */
export class ConnectNetworkError extends ConnectError {
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;
  readonly attempt: number;
  /** The system error code when there is one (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`…). */
  readonly code: string | undefined;

  constructor(target: CallTarget, attempt: number, attempts: number, cause: unknown) {
    const code = systemErrorCode(cause);
    const reason = (cause instanceof Error && errorMessageChain(cause)) || "network error";
    super(`${describeTarget(target)} failed on attempt ${attempt} of ${attempts}: ${reason}`, { cause });
    this.operationId = target.operationId;
    this.method = target.method;
    this.path = target.path;
    this.attempt = attempt;
    this.code = code;
  }
}

/** The caller aborted the call (its `signal`). `cause` is the signal's reason. */
export class ConnectAbortError extends ConnectError {
  readonly operationId: string | undefined;
  constructor(target: CallTarget, reason: unknown) {
    super(`${describeTarget(target)} was aborted by the caller`, { cause: reason });
    this.operationId = target.operationId;
  }
}

/** A successful status with a body that is not what the spec promises (invalid JSON, empty body). */
export class ConnectResponseError extends ConnectError {
  readonly status: number;
  readonly operationId: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(target: CallTarget, status: number, problem: string, options?: { cause?: unknown }) {
    super(`${describeTarget(target)} answered HTTP ${status} with ${problem}`, options);
    this.status = status;
    this.operationId = target.operationId;
    this.method = target.method;
    this.path = target.path;
  }
}

/** A copy of a parsed body with `redact` applied to every string in it (keys included). */
export function redactDeep(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth > 32) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redact(key)] = redactDeep(item, redact, depth + 1);
  return out;
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
