/**
 * The retailer's callback URL: a Fetch-API handler that checks Instacart's bearer token, parses the
 * event, and runs `onEvent` once per `event_id` under a lease from the event store.
 */
import { ConnectConfigError } from "../errors.js";
import { answer } from "./answer.js";
import { bearerToken } from "./b64token.js";
import { ConnectCallbackError } from "./callback-error.js";
import { keepLease } from "./lease-keeper.js";
import { createMemoryEventStore } from "./memory-store.js";
import { type CallbackEvent, parseCallbackEvent } from "./parse.js";
import { readBody } from "./read-body.js";
import { type CallbackEventLease, type CallbackEventStore, checkClaim, checkHeld, ConnectEventStoreError } from "./store.js";

/**
 * Where a callback failed, for `onError`: checking the token, reading the body, the store, the
 * handler, or the lease (lost while `onEvent` ran).
 */
export type CallbackFailureStage = "authorize" | "body" | "store" | "handler" | "lease";

/** What `onEvent` gets besides the event. */
export interface CallbackEventContext {
  /** Aborted when the lease on this event is lost (another delivery may process it): stop and throw. */
  readonly signal: AbortSignal;
  /** The lease this delivery holds (its `token` can fence your own writes). */
  readonly lease: CallbackEventLease;
}

export interface CallbackHandlerOptions {
  /**
   * Checks the bearer token Instacart sent: one your token endpoint issued and that has not expired
   * (`createCallbackTokenVerifier` checks the tokens `createCallbackTokenHandler` signs). Return
   * `false` to answer 401.
   */
  authorize(token: string): boolean | Promise<boolean>;
  /**
   * Handles one event, once per `event_id` while the store remembers it, after the token and the
   * body are checked. The lease is extended while it runs; `context.signal` aborts if it is lost.
   * Throw to have the callback answered with a 500 (Instacart's retry is then processed).
   */
  onEvent(event: CallbackEvent, context: CallbackEventContext): void | Promise<void>;
  /** The de-duplication store. Default: `createMemoryEventStore()` (one per handler). */
  store?: CallbackEventStore;
  /** Largest body accepted, in bytes (413 above it). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Told about every failure: those that become a 5xx answer, and store or lease failures after success. */
  onError?(error: unknown, stage: CallbackFailureStage, event?: CallbackEvent): void;
}

type Report = (error: unknown, stage: CallbackFailureStage, event?: CallbackEvent) => void;

const challenge = (error?: string): Record<string, string> => ({ "www-authenticate": error ? `Bearer error="${error}"` : "Bearer" });

/**
 * The retailer's side of event callbacks: a `(request: Request) => Promise<Response>` handler for
 * the callback URL (mount it on any server that speaks the Fetch API, or on `node:http` and Express
 * with `toNodeListener` from `instacart-connect/node`).
 *
 * | answer | when |
 * |---|---|
 * | 401 | no `Authorization: Bearer` token, or `authorize` refused it |
 * | 405 | not a POST |
 * | 413 | body larger than `maxBodyBytes` |
 * | 400 | malformed JSON, broken envelope or known payload (`onEvent` is not called) |
 * | 200 | `onEvent` succeeded, or the `event_id` was already processed (`onEvent` not called again) |
 * | 503 | the same `event_id` is being processed by another delivery right now (retry later) |
 * | 500 | `onEvent`, `authorize`, reading the body or the store failed (the event is not marked processed) |
 */
export function createCallbackHandler(options: CallbackHandlerOptions): (request: Request) => Promise<Response> {
  const { authorize, onEvent, onError } = options;
  if (typeof authorize !== "function" || typeof onEvent !== "function") {
    throw new ConnectConfigError("`authorize` and `onEvent` are required functions.");
  }
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new ConnectConfigError("`maxBodyBytes` must be a positive integer.");
  }
  const store = options.store ?? createMemoryEventStore();
  const report: Report = (error, stage, event) => {
    try {
      onError?.(error, stage, event);
    } catch {
      // a failing logger must not change the answer
    }
  };

  return async function handleCallback(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return answer(405, { error: "method_not_allowed", message: "Event callbacks are POST requests." }, { allow: "POST" });
    }
    const refused = await checkToken(request, authorize, report);
    if (refused) return refused;
    const event = await readEvent(request, maxBodyBytes, report);
    if (event instanceof Response) return event;
    return processOnce(event, store, onEvent, report);
  };
}

/** The 401 or 500 answer when the bearer token is missing, refused or cannot be checked; else undefined. */
async function checkToken(request: Request, authorize: CallbackHandlerOptions["authorize"], report: Report): Promise<Response | undefined> {
  const token = bearerToken(request.headers.get("authorization"));
  if (token === undefined) return answer(401, { error: "unauthorized", message: "A bearer token is required." }, challenge());
  try {
    if ((await authorize(token)) === true) return undefined;
  } catch (error) {
    report(error, "authorize");
    return answer(500, { error: "server_error", message: "The token could not be checked." });
  }
  return answer(401, { error: "invalid_token", message: "The bearer token is not valid." }, challenge("invalid_token"));
}

/** The parsed event, or the 413, 400 or 500 answer. */
async function readEvent(request: Request, maxBodyBytes: number, report: Report): Promise<CallbackEvent | Response> {
  let body: Uint8Array | undefined;
  try {
    body = await readBody(request, maxBodyBytes);
  } catch (error) {
    report(error, "body");
    return answer(500, { error: "server_error", message: "The request body could not be read." });
  }
  if (body === undefined) return answer(413, { error: "payload_too_large", message: `The body exceeds ${maxBodyBytes} bytes.` });
  try {
    return parseCallbackEvent(body);
  } catch (error) {
    if (!(error instanceof ConnectCallbackError)) throw error;
    return answer(400, { error: error.reason, message: error.message });
  }
}

/** Claims the event, runs `onEvent` under the lease, then completes or releases the claim. */
async function processOnce(
  event: CallbackEvent,
  store: CallbackEventStore,
  onEvent: CallbackHandlerOptions["onEvent"],
  report: Report,
): Promise<Response> {
  const id = event.event_id;
  let lease: CallbackEventLease;
  try {
    const claim = checkClaim(await store.claim(id), id);
    if (claim.status === "processed") return answer(200, { status: "duplicate", event_id: id });
    if (claim.status === "in_flight") {
      return answer(503, { error: "in_flight", message: `Event ${id} is being processed by another delivery; retry later.` });
    }
    lease = claim.lease;
  } catch (error) {
    report(error, "store", event);
    return answer(500, { error: "server_error", message: "The event store is unavailable." });
  }

  const keeper = keepLease(store, lease, (error) => report(error, "store", event));
  try {
    await onEvent(event, { signal: keeper.signal, lease });
  } catch (error) {
    await keeper.stop();
    report(error, "handler", event);
    await settle(() => store.release(lease), "release", event, report);
    return answer(500, { error: "handler_failed", message: `Event ${id} was not processed; retry later.` });
  }
  await keeper.stop();
  // The event was processed: acknowledge it even if it cannot be marked (the claim then expires),
  // or if the lease was lost meanwhile (answering 500 would only invite a third processing).
  await settle(() => store.complete(lease), "complete", event, report);
  return answer(200, { status: "processed", event_id: id });
}

/** Runs `complete` or `release`, reporting a failure or a lease that no longer held. */
async function settle(
  call: () => boolean | Promise<boolean>,
  method: "complete" | "release",
  event: CallbackEvent,
  report: Report,
): Promise<void> {
  try {
    if (checkHeld(await call(), method, event.event_id)) return;
    const what = method === "complete" ? "was not marked processed" : "was not released";
    const why = "its lease no longer held (another delivery claimed or completed it, or the lease expired)";
    report(new ConnectEventStoreError(`Event ${event.event_id} ${what}: ${why}.`), "lease", event);
  } catch (error) {
    report(error, "store", event);
  }
}
