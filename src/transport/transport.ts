/**
 * The `fetch` handed to openapi-fetch, one call at a time: the request stays on the configured
 * server; each attempt goes through the auth hook and is timed; the retry decision is asked after
 * each; the response returned is checked for integers a number cannot hold.
 */
import type { Authorize } from "../auth/authorize.js";
import { sleep } from "../clock.js";
import { warnDeprecationHeaders, type DeprecationHandler } from "../deprecation.js";
import { ConnectNetworkError, ConnectRequestError, ConnectResponseError, ConnectTimeoutError, describeTarget } from "../errors.js";
import { findInexactIntegers } from "../large-integers.js";
import { AttemptFailure, timedAttempt, type AttemptSettings } from "./attempt.js";
import type { CallState } from "./call-state.js";
import { peekText, requestParts, type OutgoingRequest, type RequestParts } from "./fast-path.js";
import { callHook, redactHeaders, type HookErrorReporter, type TransportHooks } from "./hooks.js";
import { canRetry, shouldRetry, type RetryPolicy } from "./retry.js";

/** What the transport needs of the client's settings. */
export interface TransportSettings extends AttemptSettings {
  /** The server every request must go to (origin and path prefix, from `resolveServer`). */
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  readonly hooks: TransportHooks;
  readonly onDeprecation: DeprecationHandler;
}

/** What the transport works with: the client's settings, its auth hook and where hook errors go. */
export interface TransportDeps extends TransportSettings {
  readonly authorize: Authorize;
  readonly onHookError: HookErrorReporter;
}

/** The typed error of an attempt that got no response. */
function failureError(failure: AttemptFailure, call: CallState): ConnectTimeoutError | ConnectNetworkError {
  const { target, attempt } = call;
  // "attempt n of m": m counts the attempts this kind of failure could get (a POST that timed out gets one;
  // a fresh token after a 401 is an attempt beyond the retries).
  const attempts = canRetry(failure, call.safe) ? call.maxRetries + attempt - call.retries : attempt;
  return failure.failure === "timeout"
    ? new ConnectTimeoutError(target, attempt, attempts, call.timeout)
    : new ConnectNetworkError(target, attempt, attempts, failure.cause);
}

/** What fetch's URL parser would change in a path: dot segments (also percent-encoded), backslashes, tabs and line breaks. */
const PARSER_CHANGES = /[\\\t\n\r]|\/(\.|%2e){1,2}(?=[/?#]|$)/i;

/**
 * The URL a call's request goes to, as fetch will resolve it; refused unless it stays on the server
 * (origin and path prefix): a per-call option, a middleware or a `..` in a path could point it
 * elsewhere, and the token goes only to the server. (The URL parser runs only where it would change
 * something.)
 */
function checkedUrl(url: string, baseUrl: string, call: CallState): string {
  const final = PARSER_CHANGES.test(url) ? new URL(url).href : url;
  if (final.startsWith(`${baseUrl}/`)) return final;
  const { origin, pathname } = new URL(final);
  throw new ConnectRequestError(
    `${describeTarget(call.target)}: refusing to send a request outside ${baseUrl} (to ${origin}${pathname}).`,
    {
      target: call.target,
    },
  );
}

/** Fails the call when its JSON body holds integers a JavaScript number cannot hold exactly (the client never rounds an ID). */
function checkIntegers(response: Response, call: CallState): void {
  const text = call.json ? peekText(response) : undefined;
  const found = text === undefined ? [] : findInexactIntegers(text);
  const [first] = found;
  if (first === undefined) return;
  const listed = found.map(({ field, digits }) => `${field || "the body"} = ${digits}`).join(", ");
  const problem = `integers a JavaScript number cannot hold exactly (${listed}): the client never rounds an ID`;
  throw new ConnectResponseError(call.target, response.status, problem, { field: first.field, exactValue: first.digits });
}

/** One attempt (hooks told, deprecation headers reported); the auth hook calls it once, or twice after a 401. */
async function sendAttempt(deps: TransportDeps, call: CallState, parts: RequestParts): Promise<Response> {
  const { hooks, onHookError } = deps;
  const { target } = call;
  const attempt = ++call.attempt;
  // Hook info is built only when there is a hook.
  const info = (hooks.onRequest || hooks.onResponse) && { ...target, url: parts.url, attempt, headers: redactHeaders(parts.headers) };
  if (hooks.onRequest && info) callHook("onRequest", hooks.onRequest, info, onHookError);
  const started = hooks.onResponse ? performance.now() : 0;
  const response = await timedAttempt(deps, parts, call);
  call.status = response.status;
  if (hooks.onResponse && info) {
    const responseInfo = {
      ...info,
      status: response.status,
      duration: performance.now() - started,
      responseHeaders: redactHeaders(response.headers),
    };
    callHook("onResponse", hooks.onResponse, responseInfo, onHookError);
  }
  try {
    warnDeprecationHeaders(deps.onDeprecation, target, response.headers, call.operation?.replacedBy);
  } catch (error) {
    onHookError("onDeprecation", error);
  }
  return response;
}

/** Tells `onRetry` why, then waits `delay` ms (the caller's signal ends the wait). */
async function waitToRetry(deps: TransportDeps, call: CallState, parts: RequestParts, delay: number, outcome: Response | AttemptFailure) {
  const { onRetry } = deps.hooks;
  if (onRetry) {
    const failed = outcome instanceof AttemptFailure;
    const info = {
      ...call.target,
      url: parts.url,
      attempt: call.attempt,
      delay,
      status: failed ? undefined : outcome.status,
      error: failed ? failureError(outcome, call) : undefined,
    };
    callHook("onRetry", onRetry, info, deps.onHookError);
  }
  call.retries += 1;
  await sleep(deps.clock, delay, parts.signal, call.target);
}

/**
 * Sends one call's request (openapi-fetch's `fetch`, bound to the call): attempts through the auth
 * hook until one is returned, or a failure is not retried.
 */
export async function send(deps: TransportDeps, request: OutgoingRequest, call: CallState): Promise<Response> {
  const { baseUrl, retry, clock } = deps;
  const pending = requestParts(request, checkedUrl(request.url, baseUrl, call));
  const parts = pending instanceof Promise ? await pending : pending;
  const attempt = (): Promise<Response> => sendAttempt(deps, call, parts);
  for (;;) {
    let settled: Response | AttemptFailure;
    try {
      settled = await deps.authorize(call, parts, attempt);
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      settled = error;
    }
    const outcome = settled;
    const failed = outcome instanceof AttemptFailure;
    const delay = failed || !outcome.ok ? shouldRetry(outcome, call, retry, clock.now(), Math.random) : undefined;
    if (delay === undefined) {
      if (failed) throw failureError(outcome, call);
      checkIntegers(outcome, call);
      return outcome;
    }
    await waitToRetry(deps, call, parts, delay, outcome);
  }
}
