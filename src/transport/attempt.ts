/**
 * One timed attempt: `fetch`, then the whole body read into memory, under one timeout combined
 * with the caller's signal, never following a redirect.
 */
import type { Clock } from "../clock.js";
import { ConnectAbortError, ConnectError, ConnectResponseError, systemErrorCode } from "../errors.js";
import type { CallState } from "./call-state.js";
import { readResponse, type RequestParts } from "./fast-path.js";

/** The `fetch` of a client: the caller's (given a `Request`), or the global one (given a URL and an init). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** What an attempt needs of the client's settings. */
export interface AttemptSettings {
  readonly fetch: Fetch;
  readonly clock: Clock;
  /** The most bytes a response body may have (decoded). */
  readonly maxResponseBytes: number;
}

/** An attempt that got no response: it timed out, or the network failed (`code`: the system error code). */
export class AttemptFailure extends Error {
  declare readonly code: string | undefined;

  constructor(
    readonly failure: "timeout" | "network",
    cause: unknown,
  ) {
    super(failure, { cause });
    this.code = systemErrorCode(cause);
  }
}

const TIMEOUT = Symbol("timeout");

/** The caller's `fetch` as a `Fetch`, or the global `fetch`, looked up per attempt (so a test or polyfill may replace it). */
export function fetchOf(custom: ((request: Request) => Promise<Response>) | undefined): Fetch {
  return custom ? (url, init) => custom(new Request(url, init)) : (url, init) => globalThis.fetch(url, init);
}

/**
 * Sends `parts` once; resolves to the response with its body in memory. Rejects with an
 * AttemptFailure (timeout, network), a ConnectAbortError (the caller's signal), or a ConnectError the
 * caller's `fetch` threw.
 */
export async function timedAttempt(settings: AttemptSettings, parts: RequestParts, call: CallState): Promise<Response> {
  const { signal } = parts;
  if (signal?.aborted) throw new ConnectAbortError(call.target, signal.reason);
  const controller = new AbortController();
  const cancel = settings.clock.setTimer(() => controller.abort(TIMEOUT), call.timeout);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort);
  // Instacart's API does not redirect: a 3xx is returned as an error response, so neither the token
  // nor the body (customer data) ever follows a redirect to another host.
  const init: RequestInit = { method: parts.method, headers: parts.headers, signal: controller.signal, redirect: "manual" };
  if (parts.body !== undefined) init.body = parts.body;
  try {
    // The body is read inside the timeout: a server that drips bytes cannot hang the call.
    const raw = await settings.fetch(parts.url, init);
    const response = await readResponse(raw, settings.maxResponseBytes);
    if (response) return response;
    // Not retried: the same request would get the same answer.
    throw new ConnectResponseError(call.target, raw.status, `a body larger than maxResponseBytes (${settings.maxResponseBytes} bytes)`);
  } catch (error) {
    if (signal?.aborted) throw new ConnectAbortError(call.target, signal.reason);
    if (error instanceof ConnectError) throw error;
    throw new AttemptFailure(controller.signal.reason === TIMEOUT ? "timeout" : "network", error);
  } finally {
    cancel();
    signal?.removeEventListener("abort", onAbort);
  }
}
