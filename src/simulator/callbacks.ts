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

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);

export function createCallbackQueue(options: CallbackOptions, clock: InternalClock, random: Random): CallbackQueue {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const duplicate = options.duplicate === true ? 1 : options.duplicate === false ? 0 : (options.duplicate ?? 0);
  const reorder = options.reorder === true ? 5000 : options.reorder === false ? 0 : (options.reorder ?? 0);
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelay = options.retryDelay ?? 1000;
  const maxRetryDelay = options.maxRetryDelay ?? 60_000;
  const timeout = options.timeout ?? 10_000;

  const jobs: Job[] = [];
  const waiters = new Set<{ resolve: () => void; reject: (error: Error) => void }>();
  const inFlight = new Set<AbortController>();
  let sequence = 0;
  let busy = false;
  let forcing = 0;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let token: { value: string; expiresAt: number } | undefined;

  /** One request with a real-time limit, even if the injected fetch ignores its signal. */
  async function timed(request: Request): Promise<Response> {
    const controller = new AbortController();
    inFlight.add(controller);
    let stop: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      stop = setTimeout(() => {
        reject(new Error(`no answer within ${timeout} ms`)); // first: the abort below would reject too
        controller.abort();
      }, timeout);
      controller.signal.addEventListener("abort", () => reject(new Error("the simulator was closed")), { once: true });
    });
    expired.catch(() => undefined); // settled after the race when the simulator closes later
    try {
      return await Promise.race([send(new Request(request, { signal: controller.signal })), expired]);
    } finally {
      clearTimeout(stop);
      inFlight.delete(controller);
    }
  }

  async function currentToken(): Promise<string> {
    if (token && clock.now() < token.expiresAt) return token.value;
    const form = new URLSearchParams({ client_id: options.clientId, client_secret: options.clientSecret, grant_type: "client_credentials" });
    if (options.scope !== undefined) form.set("scope", options.scope);
    if (options.resource !== undefined) form.set("resource", options.resource);
    const response = await timed(
      new Request(options.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
      }),
    );
    const text = await response.text();
    if (!response.ok) throw new Error(`the token URL answered HTTP ${response.status}`);
    let grant: { access_token?: unknown; expires_in?: unknown };
    try {
      grant = JSON.parse(text) as typeof grant;
    } catch {
      throw new Error("the token URL answered something that is not JSON");
    }
    const lifetime = Number(grant.expires_in);
    if (typeof grant.access_token !== "string" || grant.access_token === "" || !(lifetime > 0)) {
      throw new Error("the token URL's answer lacks access_token or a positive expires_in");
    }
    token = { value: grant.access_token, expiresAt: clock.now() + lifetime * 1000 };
    return token.value;
  }

  async function attempt(job: Job): Promise<void> {
    const at = isoSeconds(clock.now());
    let status: number | undefined;
    let error: string | undefined;
    try {
      const bearer = await currentToken();
      const response = await timed(
        new Request(options.url, {
          method: "POST",
          headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
          body: job.event.body,
        }),
      );
      status = response.status;
      await response.body?.cancel();
      if (status === 401) token = undefined; // refused: get a fresh token for the retry
      if (status < 200 || status > 299) error = `the callback URL answered HTTP ${status}`;
    } catch (caught) {
      error = describeError(caught);
    }
    job.delivery.attempts.push({ at, status, error });
    if (error === undefined) {
      job.delivery.status = "delivered";
    } else if (job.delivery.attempts.length >= maxAttempts || closed) {
      job.delivery.status = "failed";
    } else {
      const backoff = Math.min(maxRetryDelay, retryDelay * 2 ** (job.delivery.attempts.length - 1));
      jobs.push({ ...job, dueAt: clock.now() + backoff, seq: sequence++ });
    }
  }

  /** The earliest job (due time, then arrival); only a due one unless `settle` is forcing. */
  function nextJob(): Job | undefined {
    let best: Job | undefined;
    for (const job of jobs) if (!best || job.dueAt < best.dueAt || (job.dueAt === best.dueAt && job.seq < best.seq)) best = job;
    if (!best || (forcing === 0 && best.dueAt > clock.now())) return undefined;
    jobs.splice(jobs.indexOf(best), 1);
    return best;
  }

  function arm(): void {
    clearTimeout(timer);
    timer = undefined;
    if (closed || clock.frozen || jobs.length === 0) return;
    const due = Math.min(...jobs.map((job) => job.dueAt));
    timer = setTimeout(wake, Math.max(0, due - clock.now()));
    timer.unref?.();
  }

  async function pump(): Promise<void> {
    busy = true;
    try {
      for (let job = nextJob(); job !== undefined && !closed; job = nextJob()) await attempt(job);
    } finally {
      busy = false;
    }
    arm();
    if (jobs.length === 0) for (const waiter of waiters) waiter.resolve();
  }

  function wake(): void {
    if (!busy && !closed) void pump();
  }

  function schedule(event: RecordedEvent, copy: number): void {
    const delivery: EventDelivery = { copy, status: "pending", attempts: [] };
    event.deliveries.push(delivery);
    if (jobs.length >= MAX_PENDING) {
      delivery.status = "failed";
      delivery.attempts.push({ at: isoSeconds(clock.now()), status: undefined, error: `more than ${MAX_PENDING} deliveries pending` });
      return;
    }
    jobs.push({ event, delivery, dueAt: clock.now() + (reorder > 0 ? random.int(0, reorder) : 0), seq: sequence++ });
  }

  clock.onAdvance(wake);

  return {
    enqueue(event) {
      if (closed) return;
      schedule(event, 0);
      if (duplicate > 0 && random.next() < duplicate) schedule(event, 1);
      // After the current request is answered: a callback never delays the API response.
      queueMicrotask(wake);
    },
    resend(event) {
      if (closed) return;
      schedule(event, event.deliveries.length);
      queueMicrotask(wake);
    },
    pending: () => jobs.length + (busy ? 1 : 0),
    async settle(timeoutMs) {
      if (jobs.length === 0 && !busy) return;
      forcing += 1;
      let entry: { resolve: () => void; reject: (error: Error) => void } | undefined;
      let limit: ReturnType<typeof setTimeout> | undefined;
      try {
        await new Promise<void>((resolve, reject) => {
          entry = { resolve, reject };
          waiters.add(entry);
          limit = setTimeout(() => reject(new Error(`sim.settle(): ${jobs.length + (busy ? 1 : 0)} callback deliveries still pending after ${timeoutMs} ms`)), timeoutMs);
          wake();
        });
      } finally {
        forcing -= 1;
        clearTimeout(limit);
        if (entry) waiters.delete(entry);
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      for (const controller of inFlight) controller.abort();
      for (const waiter of waiters) waiter.reject(new Error("the simulator was closed"));
    },
  };
}
