/**
 * The simulator's clock: holds, tokens, time slots, event timestamps and callback retries all read
 * it, never `Date.now()` directly. By default it follows the real clock from the moment the
 * simulator starts; `frozen: true` makes it move only when a test calls `advance` (or `set`), so a
 * test can expire a 10-minute hold or a 24-hour token in microseconds.
 */

export interface ClockOptions {
  /** Simulated time at start: a Date, epoch milliseconds or an ISO 8601 string. Default: now. */
  start?: Date | number | string;
  /** Time moves only through `advance`/`set` (default `false`: it runs with the real clock). */
  frozen?: boolean;
}

export interface SimulatorClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Moves simulated time forward by `ms` (due callback retries then run). */
  advance(ms: number): void;
  /** Moves simulated time to `time` (forward only). */
  set(time: Date | number | string): void;
  /** Whether time moves only through `advance`/`set`. */
  readonly frozen: boolean;
}

/** The clock plus what the simulator itself needs: a listener for time jumps. */
export interface InternalClock extends SimulatorClock {
  onAdvance(listener: () => void): void;
}

function toEpochMs(time: Date | number | string, what: string): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === "number" ? time : Date.parse(time);
  if (!Number.isFinite(ms)) throw new TypeError(`${what} is not a valid time: ${String(time)}`);
  return ms;
}

export function createClock(options: ClockOptions = {}, realNow: () => number = Date.now): InternalClock {
  const frozen = options.frozen === true;
  const startedAt = realNow();
  let base = options.start === undefined ? startedAt : toEpochMs(options.start, "clock.start");
  const listeners: (() => void)[] = [];
  const now = (): number => (frozen ? base : base + (realNow() - startedAt));
  const jump = (ms: number): void => {
    base += ms;
    for (const listener of listeners) listener();
  };
  return {
    frozen,
    now,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`clock.advance needs a non-negative number of milliseconds, got ${String(ms)}`);
      jump(ms);
    },
    set(time) {
      const target = toEpochMs(time, "clock.set");
      const current = now();
      if (target < current) throw new RangeError("clock.set cannot move simulated time backwards");
      jump(target - current);
    },
    onAdvance(listener) {
      listeners.push(listener);
    },
  };
}

/** ISO 8601 in UTC without milliseconds, as Instacart's examples write timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
