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
  /** Attempts sent so far. */
  attempt: number;
  /** Retries made so far (a fresh token after a 401 is not a retry). */
  retries: number;
}

/** The typed error of an attempt that got no response. `attempts`: how many this kind of failure could get. */
function failureError(failure: AttemptFailure, state: CallState, safe: boolean): ConnectError {
  const { target, timeout, maxRetries } = state.context;
  // "attempt n of m": m counts the attempts this kind of failure could get (a POST that timed out gets one).
  const extra = state.attempt - 1 - state.retries;
  const attempts = canRetry(failure, safe) ? maxRetries + 1 + extra : state.attempt;
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
  throw new ConnectResponseError(
    context.target,
    response.status,
    `integers a JavaScript number cannot hold exactly (${listed}): the client never rounds an ID`,
    {
      field: first.field,
      exactValue: first.digits,
    },
  );
}

export function createTransport(options: TransportOptions): Transport {
  const { hooks, retry, clock, onHookError } = options;

  /** One attempt (hooks told, deprecation headers reported); the auth hook calls it once, or twice after a 401. */
  async function attempt(state: CallState): Promise<Response> {
    const { target } = state.context;
    const { url, headers } = state.parts;
    const attemptNo = ++state.attempt;
    callHook("onRequest", hooks.onRequest, () => ({ ...target, url, attempt: attemptNo, headers: redactHeaders(headers) }), onHookError);
    const started = hooks.onResponse ? performance.now() : 0;
    const response = await timedAttempt(options.fetch, state.parts, { timeout: state.context.timeout, clock, target });
    state.context.status = response.status;
    callHook(
      "onResponse",
      hooks.onResponse,
      () => ({
        ...target,
        url,
        attempt: attemptNo,
        headers: redactHeaders(headers),
        status: response.status,
        duration: performance.now() - started,
        responseHeaders: redactHeaders(response.headers),
      }),
      onHookError,
    );
    try {
      warnDeprecationHeaders(options.onDeprecation, target, response.headers, state.context.operation?.replacedBy);
    } catch (error) {
      onHookError("onDeprecation", error);
    }
    return response;
  }

  /** The delay before the next attempt, or undefined: the response is returned (or the failure thrown). */
  function retryDelay(outcome: AttemptOutcome, state: CallState, safe: boolean): number | undefined {
    const { maxRetries } = state.context;
    return shouldRetry(outcome, { retries: state.retries, maxRetries, safe, now: clock.now(), random: Math.random }, retry);
  }

  async function wait(state: CallState, delay: number, status: number | undefined, error: ConnectError | undefined): Promise<void> {
    const { target } = state.context;
    const attemptNo = state.attempt;
    state.retries += 1;
    callHook("onRetry", hooks.onRetry, () => ({ ...target, url: state.parts.url, attempt: attemptNo, delay, status, error }), onHookError);
    await sleep(clock, delay, state.signal, target);
  }

  return async function send(request, context) {
    const { target } = context;
    // A per-call option or a middleware could point a request elsewhere: the token goes only to the server.
    if (!request.url.startsWith(`${options.baseUrl}/`)) {
      throw new ConnectRequestError(
        `${describeTarget(target)}: refusing to send a request outside ${options.baseUrl} (${new URL(request.url).origin}).`,
        {
          target,
        },
      );
    }
    const pending = requestParts(request);
    const parts = pending instanceof Promise ? await pending : pending;
    const safe = isSafeToRepeat(parts.method, context.idempotent);
    const state: CallState = {
      context,
      parts,
      target,
      operation: context.operation,
      userId: context.userId,
      signal: parts.signal,
      headers: parts.headers,
      refreshed: false,
      attempt: 0,
      retries: 0,
    };
    const send = (): Promise<Response> => attempt(state);
    for (;;) {
      let response: Response;
      try {
        response = await options.authorize(state, send);
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        const failure = failureError(error, state, safe);
        const delay = retryDelay(error, state, safe);
        if (delay === undefined) throw failure;
        await wait(state, delay, undefined, failure);
        continue;
      }
      if (!response.ok) {
        const delay = retryDelay(response, state, safe);
        if (delay !== undefined) {
          await wait(state, delay, response.status, undefined);
          continue;
        }
      }
      checkIntegers(response, context);
      return response;
    }
  };
}
