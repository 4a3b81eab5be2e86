/**
 * The `fetch` handed to openapi-fetch, one call at a time: per attempt a fresh token, a timeout
 * combined with the caller's signal and a copy of the same body; a 401 refreshes the token and
 * retries once; retries with backoff only where repeating the request is safe.
 */
import type { OperationRow } from "../generated/operations.js";
import type { Grant, TokenManager, TokenRequest } from "./auth.js";
import { bufferedResponse, CallRequest } from "./buffered.js";
import { warnDeprecationHeaders, type DeprecationHandler } from "./deprecation.js";
import {
  ConnectAbortError,
  ConnectAuthError,
  ConnectError,
  ConnectNetworkError,
  ConnectRequestError,
  ConnectTimeoutError,
  parseErrorBody,
  systemErrorCode,
  describeTarget,
  type CallTarget,
} from "./errors.js";

export interface RetryPolicy {
  /** Retries after the first attempt (0 turns retries off). */
  readonly maxRetries: number;
  /** Backoff base in ms: the n-th retry waits a random time in [0, min(maxDelay, baseDelay · 2^(n-1))]. */
  readonly baseDelay: number;
  /** Backoff cap in ms. */
  readonly maxDelay: number;
  /** The longest `Retry-After` honoured, in ms; a longer one ends the retries and returns the response. */
  readonly maxRetryAfter: number;
}

/** Headers as a hook sees them: `Authorization` redacted. */
export type RedactedHeaders = Readonly<Record<string, string>>;

export interface RequestHookInfo extends CallTarget {
  readonly url: string;
  readonly attempt: number;
  readonly headers: RedactedHeaders;
}

export interface ResponseHookInfo extends RequestHookInfo {
  readonly status: number;
  /** Milliseconds from sending the attempt to the end of its body. */
  readonly duration: number;
  readonly responseHeaders: RedactedHeaders;
}

export interface RetryHookInfo extends CallTarget {
  readonly url: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** Milliseconds until the next attempt. */
  readonly delay: number;
  /** Why: the status that is retried, or the error. */
  readonly status: number | undefined;
  readonly error: ConnectError | undefined;
}

export interface TransportHooks {
  onRequest?: ((info: RequestHookInfo) => void) | undefined;
  onResponse?: ((info: ResponseHookInfo) => void) | undefined;
  onRetry?: ((info: RetryHookInfo) => void) | undefined;
}

/** One call: where it goes and how it may be repeated. */
export interface CallContext {
  readonly target: CallTarget;
  readonly row: OperationRow | undefined;
  /** The Connect user of a `forUser` client. */
  readonly userId: string | undefined;
  /** Per-attempt timeout in ms. */
  readonly timeout: number;
  readonly maxRetries: number;
  /** The caller asserts that repeating this call is harmless (lets POST retry on timeouts, 5xx and resets). */
  readonly idempotent: boolean;
  /** Set by the transport: the status of the last response (for errors raised while parsing it). */
  status?: number | undefined;
}

export interface TransportOptions {
  /** The server every request must go to (origin and path prefix, from `resolveServer`). */
  baseUrl: string;
  /** The caller's `fetch`; undefined = the global `fetch`, looked up per attempt and given (url, init). */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  tokens: TokenManager;
  /** Replaces the spec's scope for every call. */
  scope: string | undefined;
  retry: RetryPolicy;
  hooks: TransportHooks;
  onDeprecation: DeprecationHandler;
  /** True when `accessToken` is a fixed string: a 401 cannot be cured by a refresh. */
  staticToken: boolean;
  /** Reports an error thrown by a hook or by `onDeprecation` (they never break a call). */
  onHookError: (hook: string, error: unknown) => void;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Failures that happen before a request leaves the machine: safe to repeat even a POST. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const TIMEOUT = Symbol("timeout");

type RequestBody = NonNullable<RequestInit["body"]>;

/** Headers as a plain object, with the credentials of `Authorization` (and `Proxy-Authorization`) redacted. */
export function redactHeaders(headers: Headers): RedactedHeaders {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== "authorization" && name !== "proxy-authorization") out[name] = value;
    else out[name] = /^\w+\s/.test(value) ? `${value.split(/\s/, 1)[0]} [redacted]` : "[redacted]";
  });
  return out;
}

/** `Retry-After` in ms (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse reads "1.5" or "-1" as dates too.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter exponential backoff for the n-th retry (1-based). */
export function backoffDelay(retry: number, policy: RetryPolicy, random = Math.random): number {
  return Math.round(random() * Math.min(policy.maxDelay, policy.baseDelay * 2 ** (retry - 1)));
}

function sleep(ms: number, signal: AbortSignal | undefined, target: CallTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal === undefined) {
      setTimeout(resolve, ms);
      return;
    }
    if (signal.aborted) {
      reject(new ConnectAbortError(target, signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ConnectAbortError(target, signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Waits for `promise` (a token, possibly shared with other calls) unless the caller's signal aborts
 * first: the call then ends at once with ConnectAbortError, and the promise goes on for the others.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, target: CallTarget): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new ConnectAbortError(target, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ConnectAbortError(target, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}


export type Transport = (request: Request | CallRequest, context: CallContext) => Promise<Response>;

export function createTransport(options: TransportOptions): Transport {
  const { tokens, retry, hooks, onDeprecation } = options;

  /** The client-credentials token request of each operation, made once. */
  const clientTokenRequests = new Map<OperationRow | undefined, TokenRequest>();

  /** Calls a hook; an exception in it is reported, never thrown into the call. */
  function safely<Info>(name: string, hook: ((info: Info) => void) | undefined, info: () => Info): void {
    if (!hook) return;
    try {
      hook(info());
    } catch (error) {
      options.onHookError(name, error);
    }
  }

  function tokenRequestFor(context: CallContext): TokenRequest | undefined {
    const { row, userId } = context;
    const grantKind = row ? row[2] : "cc";
    if (grantKind === "") return undefined;
    if (grantKind === "user") {
      // The client only sends front-end operations through `forUser` clients.
      return { grant: "fulfillment_user_assertion" satisfies Grant, scope: options.scope ?? (row ? row[1] : ""), userId };
    }
    let request = clientTokenRequests.get(row);
    if (request === undefined) {
      request = { grant: "client_credentials", scope: options.scope ?? (row ? row[1] : "") };
      clientTokenRequests.set(row, request);
    }
    return request;
  }

  return async function send(request, context) {
    const { target, row } = context;
    // A per-call option or a middleware could point a request elsewhere: the token goes only to the server.
    if (!request.url.startsWith(`${options.baseUrl}/`)) {
      throw new ConnectRequestError(`${describeTarget(target)}: refusing to send a request outside ${options.baseUrl} (${new URL(request.url).origin}).`);
    }
    const tokenRequest = tokenRequestFor(context);
    const signal = request.signal ?? undefined;
    let body: RequestBody | undefined;
    if (request instanceof CallRequest) {
      // A stream can be read only once: buffer it so that every attempt sends the same bytes.
      body = request.body instanceof ReadableStream ? await new Response(request.body).arrayBuffer() : (request.body ?? undefined);
    } else {
      body = request.body === null ? undefined : await request.arrayBuffer();
    }
    const retriesAllowed = context.maxRetries;
    const safe = SAFE_METHODS.has(request.method) || context.idempotent;

    let attempt = 0;
    let retries = 0;
    let refreshed = false;
    let refreshNow = false;
    for (;;) {
      attempt += 1;
      if (signal?.aborted) throw new ConnectAbortError(target, signal.reason);
      // A cached token comes back as a string (no await); a token being fetched is awaited unless
      // the caller aborts meanwhile (the shared request goes on for the other calls).
      const pending = tokenRequest ? tokens.get(tokenRequest, target, refreshNow) : undefined;
      const token = typeof pending === "object" ? await (signal ? untilAborted(pending, signal, target) : pending) : pending;
      if (signal?.aborted) throw new ConnectAbortError(target, signal.reason);
      refreshNow = false;
      // openapi-fetch made the headers of a CallRequest for this call alone: no need to copy them.
      const headers = request instanceof CallRequest ? request.headers : new Headers(request.headers);
      if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);

      safely("onRequest", hooks.onRequest, () => ({ ...target, url: request.url, attempt, headers: redactHeaders(headers) }));
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(TIMEOUT), context.timeout);
      const onAbort = (): void => controller.abort(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const attemptInit: RequestInit = {
        method: request.method,
        headers,
        signal: controller.signal,
        // Instacart's API does not redirect: a 3xx is returned as an error response, so neither the
        // token nor the body (customer data) ever follows a redirect to another host.
        redirect: "manual",
      };
      if (body !== undefined) attemptInit.body = body;
      const started = performance.now();

      let response: Response | undefined;
      let failure: unknown;
      context.status = undefined;
      try {
        const raw = await (options.fetch ? options.fetch(new Request(request.url, attemptInit)) : globalThis.fetch(request.url, attemptInit));
        // Read the body inside the attempt's timeout: a server that drips bytes cannot hang the call.
        const init = { status: raw.status, statusText: raw.statusText, headers: raw.headers };
        if (NULL_BODY_STATUSES.has(raw.status)) {
          response = new Response(null, init);
          if (raw.url) Object.defineProperty(response, "url", { value: raw.url });
        } else {
          response = bufferedResponse(await raw.arrayBuffer(), init, raw.url);
        }
        context.status = raw.status;
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      }

      if (response === undefined) {
        if (signal?.aborted) throw new ConnectAbortError(target, signal.reason);
        if (failure instanceof ConnectError) throw failure;
        const timedOut = controller.signal.aborted && controller.signal.reason === TIMEOUT;
        const retryable = safe || (!timedOut && NOT_SENT_CODES.has(systemErrorCode(failure) ?? ""));
        // "attempt n of m": m counts the attempts this kind of failure could get (a POST that timed out gets one).
        const attempts = retryable ? retriesAllowed + 1 + (refreshed ? 1 : 0) : attempt;
        const error = timedOut
          ? new ConnectTimeoutError(target, attempt, attempts, context.timeout)
          : new ConnectNetworkError(target, attempt, attempts, failure);
        if (retries >= retriesAllowed || !retryable) throw error;
        retries += 1;
        const delay = backoffDelay(retries, retry);
        safely("onRetry", hooks.onRetry, () => ({ ...target, url: request.url, attempt, delay, status: undefined, error }));
        await sleep(delay, signal, target);
        continue;
      }

      const duration = performance.now() - started;
      const { status } = response;
      safely("onResponse", hooks.onResponse, () => ({
        ...target,
        url: request.url,
        attempt,
        headers: redactHeaders(headers),
        status,
        duration,
        responseHeaders: redactHeaders(response!.headers),
      }));
      try {
        warnDeprecationHeaders(onDeprecation, target, response.headers, row?.[4]);
      } catch (error) {
        options.onHookError("onDeprecation", error);
      }

      if (response.status === 401 && tokenRequest && token !== undefined) {
        tokens.invalidate(tokenRequest, token);
        if (!refreshed && !options.staticToken) {
          refreshed = true;
          refreshNow = true;
          continue;
        }
        let body401: unknown;
        try {
          body401 = JSON.parse(await response.clone().text());
        } catch {
          body401 = undefined;
        }
        const parsed = parseErrorBody(body401);
        throw new ConnectAuthError(
          `${describeTarget(target)} was refused with HTTP 401${refreshed ? " with a fresh token" : ""}${parsed?.item.message ? `: ${tokens.redact(parsed.item.message)}` : ""}`,
          { status: 401, code: parsed?.item.code, operationId: target.operationId },
        );
      }

      if (RETRY_STATUSES.has(response.status) && retries < retriesAllowed && (safe || response.status === 429)) {
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        if (retryAfter === undefined || retryAfter <= retry.maxRetryAfter) {
          retries += 1;
          const delay = retryAfter ?? backoffDelay(retries, retry);
          safely("onRetry", hooks.onRetry, () => ({ ...target, url: request.url, attempt, delay, status, error: undefined }));
          await sleep(delay, signal, target);
          continue;
        }
      }
      return response;
    }
  };
}
