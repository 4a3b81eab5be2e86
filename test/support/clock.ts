/**
 * A clock for tests: time moves only when the test says so (`advance`), so token expiry, backoff,
 * `Retry-After` and attempt timeouts are tested without waiting. Pass it as the client's `clock`.
 */
import type { Clock } from "../../src/index.ts";

export interface TestTimer {
  /** The delay it was set with, in ms. */
  readonly delay: number;
  /** When it fires, in the clock's epoch ms. */
  readonly due: number;
}

export interface TestClock extends Clock {
  /** Timers set and not yet fired or cancelled, earliest first. */
  readonly pending: readonly TestTimer[];
  /** Every delay a timer was set with, in order. */
  readonly delays: readonly number[];
  /** Moves time forward by `ms`, firing the timers that fall due in order, and lets the code they wake run. */
  advance(ms: number): Promise<void>;
  /** Resolves once a timer matching `predicate` is pending (the code under test has reached a wait). */
  waitForTimer(predicate?: (timer: TestTimer) => boolean): Promise<TestTimer>;
}

interface Entry extends TestTimer {
  readonly callback: () => void;
  readonly seq: number;
}

/** Lets pending promise callbacks and I/O callbacks run (a few event-loop turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function createTestClock(start = Date.UTC(2026, 11, 1, 12, 0, 0)): TestClock {
  let now = start;
  let seq = 0;
  const entries: Entry[] = [];
  const delays: number[] = [];
  const waiters: { predicate: (timer: TestTimer) => boolean; resolve: (timer: TestTimer) => void }[] = [];

  const wake = (entry: Entry): void => {
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(entry)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(entry);
    }
  };

  return {
    now: () => now,
    setTimer(callback, ms) {
      const entry: Entry = { callback, delay: ms, due: now + ms, seq: seq++ };
      entries.push(entry);
      entries.sort((a, b) => a.due - b.due || a.seq - b.seq);
      delays.push(ms);
      wake(entry);
      return () => {
        const index = entries.indexOf(entry);
        if (index !== -1) entries.splice(index, 1);
      };
    },
    get pending() {
      return entries.map(({ delay, due }) => ({ delay, due }));
    },
    delays,
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const next = entries[0];
        if (next === undefined || next.due > until) break;
        entries.shift();
        now = next.due;
        next.callback();
        await settle();
      }
      now = until;
      await settle();
    },
    waitForTimer(predicate = () => true) {
      const found = entries.find(predicate);
      if (found) return Promise.resolve({ delay: found.delay, due: found.due });
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}

/**
 * The first timer matching `predicate` that the code behind `call` sets on `clock`: the wait it asked
 * for. Rejects as soon as `call` settles without having set one (the code did not wait), so a test
 * of a wait fails at once instead of at its timeout.
 */
export function nextWait(clock: TestClock, call: Promise<unknown>, predicate?: (timer: TestTimer) => boolean): Promise<TestTimer> {
  const settledFirst = call.then(
    () => Promise.reject(new Error("the call settled without setting the wait on its clock")),
    (error: unknown) => Promise.reject(new Error("the call failed without setting the wait on its clock", { cause: error })),
  );
  return Promise.race([clock.waitForTimer(predicate), settledFirst]);
}
