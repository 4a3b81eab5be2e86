/**
 * Lossless, strict JSON for event callbacks: `JSON.parse` rounds integers beyond 2^53 (and reads
 * `9007199254741001.0` as `9007199254741000`), which would make two events share an `event_id`.
 */
import { ConnectCallbackError } from "./callback-error.js";

/**
 * A number literal kept as its source text: an integer too large for a JavaScript number, or any
 * literal with a fraction or an exponent (`1.0`, `1e21`), so that an int64 field can refuse it
 * instead of reading a rounded value.
 */
export class NumberText {
  constructor(readonly text: string) {}
  /** Whether the literal is an integer written with digits only (no fraction, no exponent). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
}

/** Nesting deeper than this is refused (event payloads are shallow; this bounds the recursion). */
const MAX_DEPTH = 256;
const PLAIN_STRING_BREAKERS = /[\\\u0000-\u001f]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Strict JSON (RFC 8259), like `JSON.parse`, except that a number literal comes back as a number
 * only when it is an integer within the safe range of a JavaScript number; any other literal comes
 * back as `NumberText` (its exact source). One byte order mark may precede the value (RFC 8259
 * §8.1); a second one is refused as an `invalid_envelope`.
 */
export function parseJson(text: string): unknown {
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
      return integer && Number.isSafeInteger(value) ? value : new NumberText(match[0]);
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
  if (i === 1 && text.charCodeAt(1) === 0xfeff) {
    throw new ConnectCallbackError("the body starts with more than one byte order mark", { reason: "invalid_envelope", position: 1 });
  }
  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail("unexpected data after the JSON value");
  return value;
}
