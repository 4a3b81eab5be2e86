/**
 * Keeps a lease while `onEvent` runs: extends it every third of its duration and aborts a signal
 * once it is lost (another delivery may then claim the event), so the handler can stop its work.
 */
import { type CallbackEventLease, type CallbackEventStore, checkHeld, ConnectEventStoreError } from "./store.js";

export interface LeaseKeeper {
  /** Aborted (reason: a `ConnectEventStoreError`) when the lease is known or presumed lost. */
  readonly signal: AbortSignal;
  /** Stops extending; waits for an extension already under way. */
  stop(): Promise<void>;
}

/**
 * Starts keeping `lease`. A failed extension is reported and tried again at the next beat; once no
 * extension succeeded for a whole `leaseMs`, the lease is presumed lost.
 */
export function keepLease(store: CallbackEventStore, lease: CallbackEventLease, report: (error: unknown) => void): LeaseKeeper {
  const controller = new AbortController();
  const interval = Math.max(1, Math.floor(lease.leaseMs / 3));
  let confirmedAt = Date.now();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let beating: Promise<void> = Promise.resolve();

  const lose = (message: string, cause?: unknown): void => {
    controller.abort(new ConnectEventStoreError(`The lease on event ${lease.eventId} was lost: ${message}`, { cause }));
  };
  const beat = async (): Promise<void> => {
    try {
      const started = Date.now();
      if (!checkHeld(await store.extend(lease), "extend", lease.eventId)) return lose("another delivery claimed it, or it expired.");
      confirmedAt = started;
    } catch (error) {
      report(error);
      if (Date.now() - confirmedAt >= lease.leaseMs) return lose("the store could not extend it for a whole lease.", error);
    }
    schedule();
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat();
    }, interval);
  };
  schedule();
  return {
    signal: controller.signal,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await beating;
    },
  };
}
