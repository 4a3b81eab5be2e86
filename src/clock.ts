/**
 * Time, as the client reads it: token expiry, backoff, `Retry-After` and attempt timeouts all go
 * through a `Clock`, so that a test (or a simulation) can drive them without waiting. And the waits
 * of a call (a backoff, a token being fetched), which end at once when the caller aborts.
 */
import { ConnectAbortError, type CallTarget } from "./errors.js";

/** The time source of a client. */
export interface Clock {
  /** Milliseconds since the epoch (as `Date.now()`). */
  now(): number;
  /** Calls `callback` once, after `ms` milliseconds; the returned function cancels it. */
  setTimer(callback: () => void, ms: number): () => void;
}

/** The system clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/**
 * Waits for `promise` unless the caller's `signal` aborts first: the wait then ends at once with a
 * ConnectAbortError, and `onAbort` cleans up (what was awaited may go on for others, e.g. a token request).
 */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  target: CallTarget,
  onAbort?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(new ConnectAbortError(target, signal.reason));
    };
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort);
    // Settled (or rejected, already handled here) either way: the listener goes.
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** Waits `ms` on `clock` (no timer for 0 ms); the caller's `signal` ends the wait at once with a ConnectAbortError. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, target: CallTarget): Promise<void> {
  let cancel: (() => void) | undefined;
  const timer = new Promise<void>((resolve) => {
    if (ms > 0) cancel = clock.setTimer(resolve, ms);
    else resolve();
  });
  return untilAborted(timer, signal, target, () => cancel?.());
}
