/**
 * The delivery queue of event callbacks (events.md §1–§3). Before its first event, and whenever its
 * token has expired on the simulated clock (or the receiver answered 401), it gets a token from the
 * retailer's token URL with a client-credentials form POST; then it POSTs each event as JSON with
 * `Authorization: Bearer <token>`. At least once: a non-2xx answer, a connection error or a timeout is
 * retried with exponential backoff (Instacart's retry policy is not public: these numbers are the
 * simulator's). Options duplicate events and shuffle their order, as the docs warn can happen.
 *
 * Time: a retry is due `retryDelay · 2^(n-1)` ms of *simulated* time after the n-th failure. With a
 * running clock a real timer fires then; with a frozen clock it fires when `clock.advance` passes it.
 * `settle()` does not wait for due times: it delivers everything pending at once, retries included,
 * and never moves the clock. Every attempt has a real-time timeout, so `settle()` always ends.
 */
import { isoSeconds, type InternalClock } from "./clock.js";
import type { Random } from "./random.js";
import { createCallbackSender, type CallbackSender } from "./callback-sender.js";
import type { EventDelivery, RecordedEvent } from "./record.js";

/** Where the retailer receives callbacks (the Developer Dashboard's webhook configuration). */
export interface CallbackOptions {
  /** The callback URL. */
  url: string;
  /** The retailer's OAuth token endpoint ("auth URI"). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as `scope` in the token request, when the configuration has one. */
  scope?: string;
  /** Sent as `resource` in the token request, when the configuration has one. */
  resource?: string;
  /**
   * Sends the token request and the callbacks instead of the global `fetch`: pass the retailer's
   * handlers (`createCallbackTokenHandler`, `createCallbackHandler`) to test without a socket.
   */
  fetch?: (request: Request) => Promise<Response>;
  /** Share of events sent twice, 0–1 (`true` = every event). Default 0. */
  duplicate?: number | boolean;
  /**
   * Hold each event a random 0–N ms of simulated time before its first attempt, so events close
   * together arrive in a shuffled order (`true` = 5 000). Default 0: in order.
   */
  reorder?: number | boolean;
  /** Attempts per event before giving up. Default 5. */
  maxAttempts?: number;
  /** Backoff after the first failure, in simulated ms; doubled after each further failure. Default 1 000. */
  retryDelay?: number;
  /** Longest backoff, in simulated ms. Default 60 000. */
  maxRetryDelay?: number;
  /** Real-time limit of one attempt (token request or callback POST), in ms. Default 10 000. */
  timeout?: number;
}

export interface CallbackQueue {
  enqueue(event: RecordedEvent): void;
  /** Sends an event again, as a new delivery (Instacart's "same callback more than once"). */
  resend(event: RecordedEvent): void;
  /** Resolves when nothing is pending; rejects after `timeoutMs` (real time) with what is left. */
  settle(timeoutMs: number): Promise<void>;
  pending(): number;
  close(): void;
}

interface Job {
  event: RecordedEvent;
  delivery: EventDelivery;
  dueAt: number;
  seq: number;
}

/** Pending deliveries kept at most; beyond that a delivery fails at once (the queue stays bounded). */
const MAX_PENDING = 10_000;

/** The pending deliveries, earliest due first (then in arrival order). */
function createJobs() {
  const jobs: Job[] = [];
  let sequence = 0;
  return {
    get size() {
      return jobs.length;
    },
    add(job: Omit<Job, "seq">): void {
      jobs.push({ ...job, seq: sequence++ });
    },
    /** Removes and returns the earliest job if it is due (or any, when `force`). */
    take(now: number, force: boolean): Job | undefined {
      let best: Job | undefined;
      for (const job of jobs) if (!best || job.dueAt < best.dueAt || (job.dueAt === best.dueAt && job.seq < best.seq)) best = job;
      if (!best || (!force && best.dueAt > now)) return undefined;
      jobs.splice(jobs.indexOf(best), 1);
      return best;
    },
    earliestDue: (): number => Math.min(...jobs.map((job) => job.dueAt)),
  };
}

type Jobs = ReturnType<typeof createJobs>;

/** One queue's state, shared by the functions below. */
interface Queue {
  readonly sender: CallbackSender;
  readonly clock: InternalClock;
  readonly random: Random;
  readonly settings: { duplicate: number; reorder: number; maxAttempts: number; retryDelay: number; maxRetryDelay: number };
  readonly jobs: Jobs;
  /** `settle()` calls waiting for an empty queue. */
  readonly waiters: Set<() => void>;
  busy: boolean;
  /** `settle()` calls running: due times are ignored while it is above 0. */
  forcing: number;
  closed: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

async function attempt(queue: Queue, job: Job): Promise<void> {
  const { clock, settings, jobs } = queue;
  const at = isoSeconds(clock.now());
  const { status, error } = await queue.sender.post(job.event.body);
  job.delivery.attempts.push({ at, status, error });
  const failures = job.delivery.attempts.length;
  if (error === undefined) job.delivery.status = "delivered";
  else if (failures >= settings.maxAttempts || queue.closed) job.delivery.status = "failed";
  else jobs.add({ ...job, dueAt: clock.now() + Math.min(settings.maxRetryDelay, settings.retryDelay * 2 ** (failures - 1)) });
}

/** Waits for the next due retry: a real timer when the clock runs; `clock.advance` when it is frozen. */
function arm(queue: Queue): void {
  clearTimeout(queue.timer);
  queue.timer = undefined;
  if (queue.closed || queue.clock.frozen || queue.jobs.size === 0) return;
  queue.timer = setTimeout(() => wake(queue), Math.max(0, queue.jobs.earliestDue() - queue.clock.now()));
  queue.timer.unref?.();
}

/** Delivers what is due (everything while `settle` forces), one at a time, in due order. */
async function pump(queue: Queue): Promise<void> {
  queue.busy = true;
  const next = (): Job | undefined => (queue.closed ? undefined : queue.jobs.take(queue.clock.now(), queue.forcing > 0));
  try {
    for (let job = next(); job !== undefined; job = next()) await attempt(queue, job);
  } finally {
    queue.busy = false;
  }
  arm(queue);
  if (queue.jobs.size === 0) for (const resolve of queue.waiters) resolve();
}

function wake(queue: Queue): void {
  if (!queue.busy && !queue.closed) void pump(queue);
}

function schedule(queue: Queue, event: RecordedEvent, copy: number): void {
  const { clock, jobs, settings } = queue;
  const delivery: EventDelivery = { copy, status: "pending", attempts: [] };
  event.deliveries.push(delivery);
  if (jobs.size >= MAX_PENDING) {
    delivery.status = "failed";
    delivery.attempts.push({ at: isoSeconds(clock.now()), status: undefined, error: `more than ${MAX_PENDING} deliveries pending` });
    return;
  }
  jobs.add({ event, delivery, dueAt: clock.now() + (settings.reorder > 0 ? queue.random.int(0, settings.reorder) : 0) });
}

const pending = (queue: Queue): number => queue.jobs.size + (queue.busy ? 1 : 0);

async function settle(queue: Queue, timeoutMs: number): Promise<void> {
  if (pending(queue) === 0) return;
  queue.forcing += 1;
  let resolveIdle: (() => void) | undefined;
  let limit: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      resolveIdle = resolve;
      queue.waiters.add(resolve);
      limit = setTimeout(
        () => reject(new Error(`sim.settle(): ${pending(queue)} callback deliveries still pending after ${timeoutMs} ms`)),
        timeoutMs,
      );
      wake(queue);
    });
  } finally {
    queue.forcing -= 1;
    clearTimeout(limit);
    if (resolveIdle) queue.waiters.delete(resolveIdle);
  }
}

const share = (value: number | boolean | undefined, whenTrue: number): number =>
  value === true ? whenTrue : value === false ? 0 : (value ?? 0);

export function createCallbackQueue(options: CallbackOptions, clock: InternalClock, random: Random): CallbackQueue {
  const queue: Queue = {
    sender: createCallbackSender(options, clock),
    clock,
    random,
    settings: {
      duplicate: share(options.duplicate, 1),
      reorder: share(options.reorder, 5000),
      maxAttempts: options.maxAttempts ?? 5,
      retryDelay: options.retryDelay ?? 1000,
      maxRetryDelay: options.maxRetryDelay ?? 60_000,
    },
    jobs: createJobs(),
    waiters: new Set(),
    busy: false,
    forcing: 0,
    closed: false,
    timer: undefined,
  };
  clock.onAdvance(() => wake(queue));
  return {
    enqueue(event) {
      if (queue.closed) return;
      schedule(queue, event, 0);
      if (queue.settings.duplicate > 0 && random.next() < queue.settings.duplicate) schedule(queue, event, 1);
      // After the current request is answered: a callback never delays the API response.
      queueMicrotask(() => wake(queue));
    },
    resend(event) {
      if (queue.closed) return;
      schedule(queue, event, event.deliveries.length);
      queueMicrotask(() => wake(queue));
    },
    pending: () => pending(queue),
    settle: (timeoutMs) => settle(queue, timeoutMs),
    close() {
      queue.closed = true;
      clearTimeout(queue.timer);
      queue.sender.abortAll();
      for (const resolve of queue.waiters) resolve(); // nothing more will be delivered
    },
  };
}
