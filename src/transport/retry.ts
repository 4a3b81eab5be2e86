/**
 * The retry decision, as pure functions (stripe-node's `shouldRetry`): what may be repeated, after
 * how long (full-jitter exponential backoff, or the server's `Retry-After`), and when to stop.
 */

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

/** How an attempt ended: a response, or no response (a timeout, or a network failure with its system error code). */
export type AttemptOutcome =
  | { readonly status: number; readonly headers: Headers }
  | { readonly failure: "timeout" | "network"; readonly code: string | undefined };

/** Methods whose repetition is harmless (HTTP's idempotent methods). POST is repeated only when the caller says so. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Failures that happen before a request leaves the machine: safe to repeat even a POST. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** Whether repeating a request of this method is harmless (`idempotent`: the caller asserts it is). */
export function isSafeToRepeat(method: string, idempotent: boolean): boolean {
  return idempotent || SAFE_METHODS.has(method);
}

/**
 * Whether an outcome may be retried at all: a retryable status when the request is safe to repeat
 * (429 always: the server refused it unprocessed), a timeout or a network failure when it is safe to
 * repeat, or a failure that happened before anything was sent.
 */
export function canRetry(outcome: AttemptOutcome, safe: boolean): boolean {
  if ("status" in outcome) return RETRY_STATUSES.has(outcome.status) && (safe || outcome.status === 429);
  return safe || (outcome.failure === "network" && NOT_SENT_CODES.has(outcome.code ?? ""));
}

/** `Retry-After` in ms (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse reads "1.5" or "-1" as dates too.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter exponential backoff for the n-th retry (1-based). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  return Math.round(random() * Math.min(policy.maxDelay, policy.baseDelay * 2 ** (retry - 1)));
}

/** Where the call stands. */
export interface RetryState {
  /** Retries made so far in this call. */
  readonly retries: number;
  /** Retries this call may make (the client's policy or the call's own). */
  readonly maxRetries: number;
  /** Whether the request is safe to repeat (`isSafeToRepeat`). */
  readonly safe: boolean;
}

/**
 * The delay in ms before retrying after `outcome`, or undefined to stop (return the response, or
 * throw the failure). `now`: epoch ms (for a `Retry-After` date); `random`: [0, 1) for the jitter.
 */
export function shouldRetry(
  outcome: AttemptOutcome,
  state: RetryState,
  policy: RetryPolicy,
  now: number,
  random: () => number,
): number | undefined {
  if (state.retries >= state.maxRetries || !canRetry(outcome, state.safe)) return undefined;
  const retryAfter = "status" in outcome ? parseRetryAfter(outcome.headers.get("retry-after"), now) : undefined;
  if (retryAfter === undefined) return backoffDelay(state.retries + 1, policy, random);
  return retryAfter <= policy.maxRetryAfter ? retryAfter : undefined;
}
