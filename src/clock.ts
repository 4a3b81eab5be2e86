/**
 * Time, as the client reads it: token expiry, backoff, `Retry-After` and attempt timeouts all go
 * through a `Clock`, so that a test (or a simulation) can drive them without waiting.
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

/** Waits `ms` on `clock` (no timer for 0 ms); the caller's `signal` ends the wait at once with a ConnectAbortError. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, target: CallTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ConnectAbortError(target, signal.reason));
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(new ConnectAbortError(target, signal?.reason));
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
