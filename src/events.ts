/**
 * Event callbacks: Instacart posts order and chat events, as JSON, to the retailer's callback URL
 * with a bearer token the retailer issued. This module parses them without losing precision,
 * validates them against the spec, and answers them (`createCallbackHandler`) with at-most-once
 * processing per `event_id`.
 */
import {
  callbackEnvelopeRule,
  callbackEventRules,
  type CallbackFieldRule,
  type KnownCallbackEvent,
  type UnknownCallbackEvent,
} from "../generated/events.js";
import { ConnectConfigError, ConnectError } from "./errors.js";
import { readBody } from "./read-body.js";

export type {
  AcknowledgedEvent,
  AtStoreEtaEvent,
  BrandNewEvent,
  CallbackEventMap,
  CanceledEvent,
  ChatMessageCreatedEvent,
  CheckoutEvent,
  DeliveredEvent,
  DeliveringEvent,
  FulfillmentEvent,
  KnownCallbackEvent,
  KnownCallbackEventName,
  LateDeliveryEvent,
  LatePickupEvent,
  PickingEvent,
  RescheduledEvent,
  StagedEvent,
  UnknownCallbackEvent,
} from "../generated/events.js";

/**
 * A parsed event callback: one of the known events (narrow on `event_name` after
 * `isKnownCallbackEvent`), or an `UnknownCallbackEvent` whose `event_name` this version does not
 * know. `event_id` is always an exact decimal string.
 */
export type CallbackEvent = KnownCallbackEvent | UnknownCallbackEvent;

/** Why a callback body was refused. */
export type CallbackErrorReason = "malformed_json" | "invalid_envelope" | "invalid_payload";

/** A callback body that is not valid JSON, or whose envelope or known payload breaks the spec. */
export class ConnectCallbackError extends ConnectError {
  /** `malformed_json`, `invalid_envelope` (the fields every event has) or `invalid_payload` (a known event's own fields). */
  readonly reason: CallbackErrorReason;
  /** The offending field, e.g. `event_metadata.order_id` (validation errors). */
  readonly path: string | undefined;
  /** Offset in the decoded body where parsing failed (`malformed_json`). */
  readonly position: number | undefined;
  constructor(message: string, options: { reason: CallbackErrorReason; path?: string; position?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.reason = options.reason;
    this.path = options.path;
    this.position = options.position;
  }
}

// ---------------------------------------------------------------------------------------------
// Lossless JSON

/** An integer literal too large for a JavaScript number, kept as its source text. */
class LargeInteger {
  constructor(readonly text: string) {}
}

/** Nesting deeper than this is refused (event payloads are shallow; this bounds the recursion). */
const MAX_DEPTH = 256;
const PLAIN_STRING_BREAKERS = /[\\\u0000-\u001f]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Strict JSON (RFC 8259), like `JSON.parse`, except that integer literals outside the safe range
 * of a JavaScript number come back as `LargeInteger` instead of being rounded.
 */
function parseJson(text: string): unknown {
  const numberToken = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new ConnectCallbackError(`malformed JSON: ${message} at position ${at}`, { reason: "malformed_json", position: at });
  };
  const skipSpace = (): void => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(++i));
  };
  const unexpected = (): never => fail(i >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[i])}`);

  const parseString = (): string => {
    const start = i++;
    // Fast path: no escape and no control character before the closing quote.
    const end = text.indexOf('"', i);
    if (end !== -1) {
      const raw = text.slice(i, end);
      if (!PLAIN_STRING_BREAKERS.test(raw)) {
        i = end + 1;
        return raw;
      }
    }
    let out = "";
    let chunk = i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i++);
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const escape = text[i + 1] ?? "";
        if (escape === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const char = ESCAPES[escape];
          if (char === undefined) fail("invalid escape");
          out += char;
          i += 2;
        }
        chunk = i;
      } else if (c < 0x20 || Number.isNaN(c)) {
        fail(Number.isNaN(c) ? "unterminated string" : "control character in a string", Number.isNaN(c) ? start : i);
      } else {
        i++;
      }
    }
  };

  const parseValue = (depth: number): unknown => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
      return c === 0x7b ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === 0x22) return parseString();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      numberToken.lastIndex = i;
      const match = numberToken.exec(text);
      if (!match) return unexpected();
      i = numberToken.lastIndex;
      const value = Number(match[0]);
      const integer = match[1] === undefined && match[2] === undefined;
      return integer && !Number.isSafeInteger(value) ? new LargeInteger(match[0]) : value;
    }
    if (text.startsWith("true", i)) {
      i += 4;
      return true;
    }
    if (text.startsWith("false", i)) {
      i += 5;
      return false;
    }
    if (text.startsWith("null", i)) {
      i += 4;
      return null;
    }
    return unexpected();
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    i++;
    skipSpace();
    if (text.charCodeAt(i) === 0x7d) {
      i++;
      return object;
    }
    for (;;) {
      skipSpace();
      if (text.charCodeAt(i) !== 0x22) fail(i >= text.length ? "unexpected end of input" : "expected a property name");
      const key = parseString();
      skipSpace();
      if (text.charCodeAt(i) !== 0x3a) fail("expected ':'");
      i++;
      const value = parseValue(depth);
      // An own property, as JSON.parse makes it: never the prototype setter.
      if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
      skipSpace();
      const next = text.charCodeAt(i++);
      if (next === 0x7d) return object;
      if (next !== 0x2c) fail(Number.isNaN(next) ? "unexpected end of input" : "expected ',' or '}'", i - 1);
    }
  };

  const parseArray = (depth: number): unknown[] => {
    const array: unknown[] = [];
    i++;
    skipSpace();
    if (text.charCodeAt(i) === 0x5d) {
      i++;
      return array;
    }
    for (;;) {
      array.push(parseValue(depth));
      skipSpace();
      const next = text.charCodeAt(i++);
      if (next === 0x5d) return array;
      if (next !== 0x2c) fail(Number.isNaN(next) ? "unexpected end of input" : "expected ',' or ']'", i - 1);
    }
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1; // a byte order mark may be ignored (RFC 8259 §8.1)
  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail("unexpected data after the JSON value");
  return value;
}

// ---------------------------------------------------------------------------------------------
// Validation against the generated rules

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof LargeInteger);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof LargeInteger) return `the integer ${value.text}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Checks `value` against `rule` and returns it with int64 fields as decimal strings (objects and
 * arrays are updated in place). Throws a `ConnectCallbackError` with `reason` on the first violation.
 */
function check(value: unknown, rule: CallbackFieldRule, path: string, reason: CallbackErrorReason): unknown {
  const refuse = (expected: string): never => {
    throw new ConnectCallbackError(`${path || "the body"} must be ${expected}, not ${describe(value)}`, { reason, path });
  };
  switch (rule.t) {
    case "int64": {
      if (value instanceof LargeInteger) {
        const big = BigInt(value.text);
        if (big > INT64_MAX || big < INT64_MIN) refuse("a 64-bit integer");
        return value.text;
      }
      if (typeof value !== "number" || !Number.isInteger(value)) refuse("an integer");
      return String(value);
    }
    case "integer":
      if (value instanceof LargeInteger) refuse("an integer small enough for a JavaScript number (mark it int64 in the spec)");
      if (typeof value !== "number" || !Number.isInteger(value)) refuse("an integer");
      return value;
    case "number":
      if (value instanceof LargeInteger) return Number(value.text);
      if (typeof value !== "number") refuse("a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") refuse("a boolean");
      return value;
    case "string":
    case "date-time":
      if (typeof value !== "string") refuse("a string");
      if (rule.t === "date-time" && !(DATE_TIME.test(value as string) && !Number.isNaN(Date.parse(value as string)))) {
        refuse("an ISO 8601 date-time (e.g. 2020-07-07T16:35:22Z)");
      }
      if (rule.n !== undefined && (value as string).length < rule.n) refuse(`a string of at least ${rule.n} character(s)`);
      if (rule.c !== undefined && value !== rule.c) refuse(JSON.stringify(rule.c));
      return value;
    case "array": {
      if (!Array.isArray(value)) refuse("an array");
      const array = value as unknown[];
      if (rule.i) for (let index = 0; index < array.length; index++) array[index] = check(array[index], rule.i, `${path}[${index}]`, reason);
      return array;
    }
    case "object": {
      if (!isPlainObject(value)) refuse("a JSON object");
      const object = value as Record<string, unknown>;
      for (const name of rule.r ?? []) {
        if (!Object.hasOwn(object, name)) {
          const where = path ? `${path}.${name}` : name;
          throw new ConnectCallbackError(`${where} is required`, { reason, path: where });
        }
      }
      for (const [name, child] of Object.entries(rule.p ?? {})) {
        if (Object.hasOwn(object, name)) object[name] = check(object[name], child, path ? `${path}.${name}` : name, reason);
      }
      return object;
    }
    default:
      return value;
  }
}

/** Replaces every remaining `LargeInteger` (fields the spec does not know) by its exact text. */
function settleLargeIntegers(value: unknown): unknown {
  if (value instanceof LargeInteger) return value.text;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = settleLargeIntegers(value[index]);
  } else if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = settleLargeIntegers(object[key]);
  }
  return value;
}

function decode(rawBody: string | Uint8Array | ArrayBuffer): string {
  if (typeof rawBody === "string") return rawBody;
  if (!(rawBody instanceof Uint8Array) && !(rawBody instanceof ArrayBuffer)) {
    throw new TypeError("parseCallbackEvent expects the raw body as a string, a Uint8Array or an ArrayBuffer");
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(rawBody);
  } catch (cause) {
    throw new ConnectCallbackError("malformed JSON: the body is not valid UTF-8", { reason: "malformed_json", cause });
  }
}

/**
 * Parses the raw body of an event callback, exactly as received (a string, or the bytes).
 *
 * - Lossless: `event_id` (int64) comes back as an exact decimal string, and so does any other
 *   integer too large for a JavaScript number; other numbers are numbers.
 * - Validated: the envelope (`event_id`, `event_name`, `event_timestamp`, `event_metadata`) and the
 *   fields the spec knows for known events. Unknown fields are kept.
 * - Forward compatible: an `event_name` this version does not know comes back as an
 *   `UnknownCallbackEvent` (check with `isKnownCallbackEvent`), not as an error.
 *
 * Throws `ConnectCallbackError` (`reason`: `malformed_json`, `invalid_envelope`, `invalid_payload`).
 */
export function parseCallbackEvent(rawBody: string | Uint8Array | ArrayBuffer): CallbackEvent {
  const parsed = parseJson(decode(rawBody));
  const event = check(parsed, callbackEnvelopeRule, "", "invalid_envelope") as Record<string, unknown>;
  const name = event.event_name as string;
  if (Object.hasOwn(callbackEventRules, name)) check(event, callbackEventRules[name]!, "", "invalid_payload");
  return settleLargeIntegers(event) as CallbackEvent;
}

/** Whether `parseCallbackEvent` knew this event's `event_name` (then `event_name` narrows the type). */
export function isKnownCallbackEvent(event: CallbackEvent): event is KnownCallbackEvent {
  return Object.hasOwn(callbackEventRules, event.event_name);
}

// ---------------------------------------------------------------------------------------------
// De-duplication store

/**
 * The outcome of `claim`: `claimed` (process it now, then `complete` or `release`), `processed`
 * (already handled: acknowledge without processing), `in_flight` (another delivery is processing
 * it right now).
 */
export type CallbackClaim = "claimed" | "processed" | "in_flight";

/**
 * Remembers which events were processed, so each `event_id` is handled at most once and none is
 * lost. Replaceable (e.g. by Redis) when several processes receive callbacks:
 *
 * - `claim(id)` must be atomic: of two concurrent claims of one ID, only one gets `claimed`. A
 *   shared store should give claims a lease (e.g. `SET key inflight NX PX 60000`) so a claim held
 *   by a crashed process expires.
 * - `complete(id)`: the handler succeeded; later claims get `processed`.
 * - `release(id)`: the handler failed; the claim is dropped so Instacart's retry is processed.
 */
export interface CallbackEventStore {
  claim(eventId: string): CallbackClaim | Promise<CallbackClaim>;
  complete(eventId: string): void | Promise<void>;
  release(eventId: string): void | Promise<void>;
}

export interface MemoryEventStoreOptions {
  /** How many processed `event_id`s to remember (least recently seen are forgotten first). Default 10 000. */
  maxEntries?: number;
  /**
   * How long a claim holds, in ms: a handler that neither completes nor releases within it (it hung,
   * or its process died mid-way in a shared store) no longer blocks Instacart's retries. Default 5 minutes.
   */
  leaseMs?: number;
}

/**
 * The default store: in memory, for one process. Bounded: it remembers at most `maxEntries`
 * processed IDs (plus the ones being processed), forgetting the least recently seen first.
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): CallbackEventStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ConnectConfigError("`maxEntries` must be a positive integer.");
  }
  const leaseMs = options.leaseMs ?? 300_000;
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) {
    throw new ConnectConfigError("`leaseMs` must be a positive number of milliseconds.");
  }
  const inFlight = new Map<string, number>(); // event_id → when it was claimed
  const processed = new Set<string>(); // insertion order = least recently seen first
  return {
    claim(eventId) {
      if (processed.has(eventId)) {
        processed.delete(eventId);
        processed.add(eventId);
        return "processed";
      }
      const now = Date.now();
      const claimedAt = inFlight.get(eventId);
      if (claimedAt !== undefined && now - claimedAt < leaseMs) return "in_flight";
      inFlight.set(eventId, now);
      return "claimed";
    },
    complete(eventId) {
      inFlight.delete(eventId);
      processed.add(eventId);
      for (const oldest of processed) {
        if (processed.size <= maxEntries) break;
        processed.delete(oldest);
      }
    },
    release(eventId) {
      inFlight.delete(eventId);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Receiver

/** Where a callback failed, for `onError`. */
export type CallbackFailureStage = "authorize" | "store" | "handler";

export interface CallbackHandlerOptions {
  /**
   * Checks the bearer token Instacart sent: one your token endpoint issued and that has not
   * expired. Return `false` to answer 401.
   */
  authorize(token: string): boolean | Promise<boolean>;
  /**
   * Handles one event. Called at most once per `event_id` while the store remembers it, after the
   * token and the body are checked. Throw to have the callback answered with a 500 (Instacart's
   * retry is then processed).
   */
  onEvent(event: CallbackEvent): void | Promise<void>;
  /** The de-duplication store. Default: `createMemoryEventStore()` (one per handler). */
  store?: CallbackEventStore;
  /** Largest body accepted, in bytes (413 above it). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Told about failures that become a 5xx answer (and store failures after success). Default: none. */
  onError?(error: unknown, stage: CallbackFailureStage, event?: CallbackEvent): void;
}

function answer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;


/**
 * The retailer's side of event callbacks: a `(request: Request) => Promise<Response>` handler for
 * the callback URL (mount it on `node:http`, or any server that speaks the Fetch API).
 *
 * | answer | when |
 * |---|---|
 * | 401 | no `Authorization: Bearer` token, or `authorize` refused it |
 * | 405 | not a POST |
 * | 413 | body larger than `maxBodyBytes` |
 * | 400 | malformed JSON, broken envelope or known payload (`onEvent` is not called) |
 * | 200 | `onEvent` succeeded, or the `event_id` was already processed (`onEvent` not called again) |
 * | 503 | the same `event_id` is being processed by another delivery right now (retry later) |
 * | 500 | `onEvent`, `authorize` or the store threw (the event is not marked processed) |
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
  const report = (error: unknown, stage: CallbackFailureStage, event?: CallbackEvent): void => {
    try {
      onError?.(error, stage, event);
    } catch {
      // a failing logger must not change the answer
    }
  };
  const challenge = (error?: string): Record<string, string> => ({
    "www-authenticate": error ? `Bearer error="${error}"` : "Bearer",
  });

  return async function handleCallback(request: Request): Promise<Response> {
    if (request.method !== "POST") {
      return answer(405, { error: "method_not_allowed", message: "Event callbacks are POST requests." }, { allow: "POST" });
    }
    const token = BEARER.exec(request.headers.get("authorization") ?? "")?.[1];
    if (token === undefined) {
      return answer(401, { error: "unauthorized", message: "A bearer token is required." }, challenge());
    }
    let allowed: boolean;
    try {
      allowed = (await authorize(token)) === true;
    } catch (error) {
      report(error, "authorize");
      return answer(500, { error: "server_error", message: "The token could not be checked." });
    }
    if (!allowed) {
      return answer(401, { error: "invalid_token", message: "The bearer token is not valid." }, challenge("invalid_token"));
    }

    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      return answer(413, { error: "payload_too_large", message: `The body exceeds ${maxBodyBytes} bytes.` });
    }
    let event: CallbackEvent;
    try {
      event = parseCallbackEvent(body);
    } catch (error) {
      if (!(error instanceof ConnectCallbackError)) throw error;
      return answer(400, { error: error.reason, message: error.message });
    }

    const id = event.event_id;
    let claim: CallbackClaim;
    try {
      claim = await store.claim(id);
    } catch (error) {
      report(error, "store", event);
      return answer(500, { error: "server_error", message: "The event store is unavailable." });
    }
    if (claim === "processed") return answer(200, { status: "duplicate", event_id: id });
    if (claim === "in_flight") {
      return answer(503, { error: "in_flight", message: `Event ${id} is being processed by another delivery; retry later.` });
    }

    try {
      await onEvent(event);
    } catch (error) {
      report(error, "handler", event);
      try {
        await store.release(id);
      } catch (releaseError) {
        report(releaseError, "store", event);
      }
      return answer(500, { error: "handler_failed", message: `Event ${id} was not processed; retry later.` });
    }
    try {
      await store.complete(id);
    } catch (error) {
      // The event was processed: acknowledge it. The claim stays until its lease expires.
      report(error, "store", event);
    }
    return answer(200, { status: "processed", event_id: id });
  };
}
