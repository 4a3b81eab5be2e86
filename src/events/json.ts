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
// biome-ignore lint/suspicious/noControlCharactersInRegex: a JSON string may not hold control characters unescaped.
const PLAIN_STRING_BREAKERS = /[\\\u0000-\u001f]/;
/** Sticky: matched at an offset, synchronously (its `lastIndex` is set before every use). */
const NUMBER_TOKEN = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LITERALS: ReadonlyArray<readonly [string, unknown]> = [
  ["true", true],
  ["false", false],
  ["null", null],
];
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Strict JSON (RFC 8259), like `JSON.parse`, except that a number literal comes back as a number
 * only when it is an integer within the safe range of a JavaScript number; any other literal comes
 * back as `NumberText` (its exact source). One byte order mark may precede the value (RFC 8259
 * §8.1); a second one is refused as an `invalid_envelope`.
 */
export function parseJson(text: string): unknown {
  return new JsonReader(text).document();
}

/** A recursive-descent reader over one JSON text; `i` is the offset of the next character. */
class JsonReader {
  readonly text: string;
  i = 0;

  constructor(text: string) {
    this.text = text;
  }

  document(): unknown {
    const { text } = this;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1; // a byte order mark may be ignored (RFC 8259 §8.1)
    if (this.i === 1 && text.charCodeAt(1) === 0xfeff) {
      throw new ConnectCallbackError("the body starts with more than one byte order mark", { reason: "invalid_envelope", position: 1 });
    }
    const value = this.value(0);
    this.skipSpace();
    if (this.i < text.length) this.fail("unexpected data after the JSON value");
    return value;
  }

  fail(message: string, at = this.i): never {
    throw new ConnectCallbackError(`malformed JSON: ${message} at position ${at}`, { reason: "malformed_json", position: at });
  }

  unexpected(): never {
    const { text, i } = this;
    return this.fail(i >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[i])}`);
  }

  skipSpace(): void {
    const { text } = this;
    let c = text.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++this.i);
  }

  value(depth: number): unknown {
    this.skipSpace();
    const c = this.text.charCodeAt(this.i);
    if (c === 0x7b || c === 0x5b) {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
      return c === 0x7b ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, literal] of LITERALS) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return literal;
      }
    }
    return this.unexpected();
  }

  number(): number | NumberText {
    const token = NUMBER_TOKEN;
    token.lastIndex = this.i;
    const match = token.exec(this.text);
    if (!match) return this.unexpected();
    this.i = token.lastIndex;
    const value = Number(match[0]);
    const integer = match[1] === undefined && match[2] === undefined;
    return integer && Number.isSafeInteger(value) ? value : new NumberText(match[0]);
  }

  string(): string {
    const { text } = this;
    const start = this.i++;
    // Fast path: no escape and no control character before the closing quote.
    const end = text.indexOf('"', this.i);
    if (end !== -1) {
      const raw = text.slice(this.i, end);
      if (!PLAIN_STRING_BREAKERS.test(raw)) {
        this.i = end + 1;
        return raw;
      }
    }
    let out = "";
    let chunk = this.i;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === 0x22) return out + text.slice(chunk, this.i++);
      if (c === 0x5c) {
        out += text.slice(chunk, this.i) + this.escape();
        chunk = this.i;
      } else if (c < 0x20 || Number.isNaN(c)) {
        this.fail(Number.isNaN(c) ? "unterminated string" : "control character in a string", Number.isNaN(c) ? start : this.i);
      } else {
        this.i++;
      }
    }
  }

  /** The character of the escape sequence at `i` (a backslash), moving past it. */
  escape(): string {
    const { text, i } = this;
    const kind = text[i + 1] ?? "";
    if (kind === "u") {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape");
      this.i += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const char = ESCAPES[kind];
    if (char === undefined) return this.fail("invalid escape");
    this.i += 2;
    return char;
  }

  object(depth: number): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    if (this.opens(0x7d)) return object;
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.i) !== 0x22)
        this.fail(this.i >= this.text.length ? "unexpected end of input" : "expected a property name");
      const key = this.string();
      this.skipSpace();
      if (this.text.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      const value = this.value(depth);
      // An own property, as JSON.parse makes it: never the prototype setter.
      if (key === "__proto__") Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
      else object[key] = value;
      if (this.closes(0x7d, "expected ',' or '}'")) return object;
    }
  }

  array(depth: number): unknown[] {
    const array: unknown[] = [];
    if (this.opens(0x5d)) return array;
    for (;;) {
      array.push(this.value(depth));
      if (this.closes(0x5d, "expected ',' or ']'")) return array;
    }
  }

  /** Moves past an opening bracket; true (and past `close`) when the container is empty. */
  opens(close: number): boolean {
    this.i++;
    this.skipSpace();
    if (this.text.charCodeAt(this.i) !== close) return false;
    this.i++;
    return true;
  }

  /** After a member: true at `close`, false at a comma, else a syntax error. */
  closes(close: number, expected: string): boolean {
    this.skipSpace();
    const next = this.text.charCodeAt(this.i++);
    if (next === close) return true;
    if (next !== 0x2c) this.fail(Number.isNaN(next) ? "unexpected end of input" : expected, this.i - 1);
    return false;
  }
}
