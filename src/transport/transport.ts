/**
 * The `fetch` handed to openapi-fetch, one call at a time: the request stays on the configured
 * server; each attempt goes through the auth hook and is timed; the retry decision is asked after
 * each; the response returned is checked for integers a number cannot hold.
 */
import type { OperationFacts } from "../../generated/operations.js";
import type { Authorize, AuthorizedCall } from "../auth/authorize.js";
import { sleep, type Clock } from "../clock.js";
import { warnDeprecationHeaders, type DeprecationHandler } from "../deprecation.js";
import {
  ConnectNetworkError,
  ConnectRequestError,
  ConnectResponseError,
  ConnectTimeoutError,
  describeTarget,
  type CallTarget,
  type ConnectError,
} from "../errors.js";
import { findInexactIntegers } from "../large-integers.js";
import { AttemptFailure, timedAttempt, type Fetch } from "./attempt.js";
import { peekText, requestParts, type OutgoingRequest, type RequestParts } from "./fast-path.js";
import { callHook, redactHeaders, type HookErrorReporter, type TransportHooks } from "./hooks.js";
import { canRetry, isSafeToRepeat, shouldRetry, type AttemptOutcome, type RetryPolicy } from "./retry.js";

/** One call: where it goes and how it may be repeated. */
export interface CallContext {
  readonly target: CallTarget;
  /** What the spec says of the operation (undefined for a path it does not know). */
  readonly operation: OperationFacts | undefined;
  /** The Connect user of a `forUser` client. */
  readonly userId: string | undefined;
  /** Per-attempt timeout in ms. */
  readonly timeout: number;
  readonly maxRetries: number;
  /** The caller asserts that repeating this call is harmless (lets POST retry on timeouts, 5xx and resets). */
  readonly idempotent: boolean;
  /** Whether the caller's result is parsed as JSON (then the body is checked for inexact integers). */
  readonly json: boolean;
  /** Set by the transport: the status of the last response (for errors raised while parsing it). */
  status?: number | undefined;
}

export interface TransportOptions {
  /** The server every request must go to (origin and path prefix, from `resolveServer`). */
  baseUrl: string;
  fetch: Fetch;
  authorize: Authorize;
  retry: RetryPolicy;
  clock: Clock;
  hooks: TransportHooks;
  onDeprecation: DeprecationHandler;
  onHookError: HookErrorReporter;
}

export type Transport = (request: OutgoingRequest, context: CallContext) => Promise<Response>;

/** The progress of one call. */
interface CallState extends AuthorizedCall {
  readonly context: CallContext;
  readonly parts: RequestParts;
  /** Whether repeating the request is harmless (its method, or the caller says so). */
  readonly safe: boolean;
  /** Attempts sent so far. */
  attempt: number;
  /** Retries made so far (a fresh token after a 401 is not a retry). */
  retries: number;
}

/** The typed error of an attempt that got no response. */
function failureError(failure: AttemptFailure, state: CallState): ConnectError {
  const { target, timeout, maxRetries } = state.context;
  // "attempt n of m": m counts the attempts this kind of failure could get (a POST that timed out gets one;
  // a fresh token after a 401 is an attempt beyond the retries).
  const extra = state.attempt - 1 - state.retries;
  const attempts = canRetry(failure, state.safe) ? maxRetries + 1 + extra : state.attempt;
  return failure.failure === "timeout"
    ? new ConnectTimeoutError(target, state.attempt, attempts, timeout)
    : new ConnectNetworkError(target, state.attempt, attempts, failure.cause);
}

/** Fails the call when its JSON body holds integers a JavaScript number cannot hold exactly (the client never rounds an ID). */
function checkIntegers(response: Response, context: CallContext): void {
  if (!context.json) return;
  const text = peekText(response);
  if (text === undefined) return;
  const found = findInexactIntegers(text);
  const [first] = found;
  if (first === undefined) return;
  const listed = found.map(({ field, digits }) => `${field || "the body"} = ${digits}`).join(", ");
  const problem = `integers a JavaScript number cannot hold exactly (${listed}): the client never rounds an ID`;
  throw new ConnectResponseError(context.target, response.status, problem, { field: first.field, exactValue: first.digits });
}

/** One attempt (hooks told, deprecation headers reported); the auth hook calls it once, or twice after a 401. */
async function sendAttempt(options: TransportOptions, state: CallState): Promise<Response> {
  const { hooks, onHookError } = options;
  const { target, timeout, operation } = state.context;
  const { url, headers } = state.parts;
  const attempt = ++state.attempt;
  if (hooks.onRequest) callHook("onRequest", hooks.onRequest, { ...target, url, attempt, headers: redactHeaders(headers) }, onHookError);
  const started = hooks.onResponse ? performance.now() : 0;
  const response = await timedAttempt(options.fetch, state.parts, { timeout, clock: options.clock, target });
  state.context.status = response.status;
  if (hooks.onResponse) {
    const { status } = response;
    const duration = performance.now() - started;
    const info = {
      ...target,
      url,
      attempt,
      headers: redactHeaders(headers),
      status,
      duration,
      responseHeaders: redactHeaders(response.headers),
    };
    callHook("onResponse", hooks.onResponse, info, onHookError);
  }
  try {
    warnDeprecationHeaders(options.onDeprecation, target, response.headers, operation?.replacedBy);
  } catch (error) {
    onHookError("onDeprecation", error);
  }
  return response;
}

/** The delay before the next attempt, or undefined: the response is returned (or the failure thrown). */
function retryDelay(options: TransportOptions, outcome: AttemptOutcome, state: CallState): number | undefined {
  const { retries, safe } = state;
  return shouldRetry(
    outcome,
    { retries, maxRetries: state.context.maxRetries, safe, now: options.clock.now(), random: Math.random },
    options.retry,
  );
}

/** Tells `onRetry`, then waits `delay` ms (the caller's signal ends the wait). */
async function waitToRetry(
  options: TransportOptions,
  state: CallState,
  delay: number,
  reason: { status?: number; error?: ConnectError },
): Promise<void> {
  const { target } = state.context;
  const { onRetry } = options.hooks;
  state.retries += 1;
  if (onRetry) {
    const info = { ...target, url: state.parts.url, attempt: state.attempt, delay, status: reason.status, error: reason.error };
    callHook("onRetry", onRetry, info, options.onHookError);
  }
  await sleep(options.clock, delay, state.signal, target);
}

/** The progress of a new call of `context` with `parts`. */
function startCall(context: CallContext, parts: RequestParts): CallState {
  const { target, operation, userId } = context;
  const safe = isSafeToRepeat(parts.method, context.idempotent);
  return {
    context,
    parts,
    safe,
    target,
    operation,
    userId,
    signal: parts.signal,
    headers: parts.headers,
    refreshed: false,
    attempt: 0,
    retries: 0,
  };
}

/** Sends one call: attempts through the auth hook until one is returned, or a failure is not retried. */
async function send(options: TransportOptions, request: OutgoingRequest, context: CallContext): Promise<Response> {
  const { target } = context;
  // A per-call option or a middleware could point a request elsewhere: the token goes only to the server.
  if (!request.url.startsWith(`${options.baseUrl}/`)) {
    const origin = new URL(request.url).origin;
    throw new ConnectRequestError(`${describeTarget(target)}: refusing to send a request outside ${options.baseUrl} (${origin}).`, {
      target,
    });
  }
  const pending = requestParts(request);
  const state = startCall(context, pending instanceof Promise ? await pending : pending);
  const attempt = (): Promise<Response> => sendAttempt(options, state);
  for (;;) {
    let response: Response;
    try {
      response = await options.authorize(state, attempt);
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      const failure = failureError(error, state);
      const delay = retryDelay(options, error, state);
      if (delay === undefined) throw failure;
      await waitToRetry(options, state, delay, { error: failure });
      continue;
    }
    const delay = response.ok ? undefined : retryDelay(options, response, state);
    if (delay === undefined) {
      checkIntegers(response, context);
      return response;
    }
    await waitToRetry(options, state, delay, { status: response.status });
  }
}

export function createTransport(options: TransportOptions): Transport {
  return (request, context) => send(options, request, context);
}
