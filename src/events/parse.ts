/**
 * Parsing an event callback: lossless JSON, validation against the rules generated from the spec,
 * and the typed union of events. `event_id` is always an exact decimal string.
 */
import {
  callbackEnvelopeRule,
  callbackEventRules,
  type CallbackFieldRule,
  type KnownCallbackEvent,
  type UnknownCallbackEvent,
} from "../../generated/events.js";
import { type CallbackErrorReason, ConnectCallbackError } from "./callback-error.js";
import { NumberText, parseJson } from "./json.js";

/**
 * A parsed event callback: one of the known events (narrow on `event_name` after
 * `isKnownCallbackEvent`), or an `UnknownCallbackEvent` whose `event_name` this version does not
 * know. `event_id` is always an exact decimal string.
 */
export type CallbackEvent = KnownCallbackEvent | UnknownCallbackEvent;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const DIGITS = /^-?\d+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof NumberText);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof NumberText) return `the number ${value.text}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * An int64 as its exact, canonical decimal text, from an integer literal (`1201895966044343904`) or
 * a string of digits (`"1201895966044343904"`, as third-party test data sends it); undefined for
 * anything else: a fraction or exponent (`1.0`, `1e3`, even when the value is whole), a value beyond
 * 64 bits, another type.
 */
function exactInt64(value: unknown): string | undefined {
  let text: string;
  if (typeof value === "number")
    text = String(value); // the parser returns only safe integer literals as numbers
  else if (value instanceof NumberText && value.isInteger) text = value.text;
  else if (typeof value === "string" && DIGITS.test(value) && value.length <= 40) text = value;
  else return undefined;
  const big = BigInt(text);
  return big > INT64_MAX || big < INT64_MIN ? undefined : big.toString();
}

/** A number as `JSON.parse` reads it, or undefined when `value` is not a number. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return value instanceof NumberText ? Number(value.text) : undefined;
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
    case "int64":
      return exactInt64(value) ?? refuse("a 64-bit integer written with digits only (a number or a string)");
    case "integer": {
      const number = numberOf(value);
      if (value instanceof NumberText && value.isInteger)
        refuse("an integer small enough for a JavaScript number (mark it int64 in the spec)");
      if (number === undefined || !Number.isInteger(number)) refuse("an integer");
      return number;
    }
    case "number":
      return numberOf(value) ?? refuse("a number");
    case "boolean":
      if (typeof value !== "boolean") refuse("a boolean");
      return value;
    case "string":
    case "date-time":
      return checkString(value, rule, refuse);
    case "array": {
      if (!Array.isArray(value)) refuse("an array");
      const array = value as unknown[];
      if (rule.i)
        for (let index = 0; index < array.length; index++) array[index] = check(array[index], rule.i, `${path}[${index}]`, reason);
      return array;
    }
    case "object":
      return checkObject(value, rule, path, reason, refuse);
    default:
      return value;
  }
}

function checkString(value: unknown, rule: CallbackFieldRule, refuse: (expected: string) => never): string {
  if (typeof value !== "string") return refuse("a string");
  if (rule.t === "date-time" && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))) {
    refuse("an ISO 8601 date-time (e.g. 2020-07-07T16:35:22Z)");
  }
  if (rule.n !== undefined && value.length < rule.n) refuse(`a string of at least ${rule.n} character(s)`);
  if (rule.c !== undefined && value !== rule.c) refuse(JSON.stringify(rule.c));
  return value;
}

function checkObject(
  value: unknown,
  rule: CallbackFieldRule,
  path: string,
  reason: CallbackErrorReason,
  refuse: (expected: string) => never,
): Record<string, unknown> {
  if (!isPlainObject(value)) return refuse("a JSON object");
  for (const name of rule.r ?? []) {
    if (!Object.hasOwn(value, name)) {
      const where = path ? `${path}.${name}` : name;
      throw new ConnectCallbackError(`${where} is required`, { reason, path: where });
    }
  }
  for (const [name, child] of Object.entries(rule.p ?? {})) {
    if (Object.hasOwn(value, name)) value[name] = check(value[name], child, path ? `${path}.${name}` : name, reason);
  }
  return value;
}

/**
 * Replaces every remaining `NumberText` (fields the spec does not know) by what `JSON.parse` would
 * give, except integers beyond 2^53, which become their exact text.
 */
function settleNumbers(value: unknown): unknown {
  if (value instanceof NumberText) return value.isInteger ? value.text : Number(value.text);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) value[index] = settleNumbers(value[index]);
  } else if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = settleNumbers(object[key]);
  }
  return value;
}

function decode(rawBody: string | Uint8Array | ArrayBuffer): string {
  if (typeof rawBody === "string") return rawBody;
  if (!(rawBody instanceof Uint8Array) && !(rawBody instanceof ArrayBuffer)) {
    throw new TypeError("parseCallbackEvent expects the raw body as a string, a Uint8Array or an ArrayBuffer");
  }
  try {
    // ignoreBOM keeps a byte order mark in the text, so the parser sees (and counts) every one.
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(rawBody);
  } catch (cause) {
    throw new ConnectCallbackError("malformed JSON: the body is not valid UTF-8", { reason: "malformed_json", cause });
  }
}

/**
 * Parses the raw body of an event callback, exactly as received (a string, or the bytes).
 *
 * - Lossless: `event_id` (int64) comes back as an exact decimal string, whether it was sent as an
 *   integer or as a string of digits; a fraction, an exponent or a value beyond 64 bits is refused.
 *   Any other integer too large for a JavaScript number comes back as its exact text; other
 *   numbers are numbers.
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
  const rule = Object.hasOwn(callbackEventRules, name) ? callbackEventRules[name] : undefined;
  if (rule !== undefined) check(event, rule, "", "invalid_payload");
  return settleNumbers(event) as CallbackEvent;
}

/** Whether `parseCallbackEvent` knew this event's `event_name` (then `event_name` narrows the type). */
export function isKnownCallbackEvent(event: CallbackEvent): event is KnownCallbackEvent {
  return Object.hasOwn(callbackEventRules, event.event_name);
}
