/**
 * Integers a JavaScript number cannot hold exactly. Instacart documents some IDs as 64-bit integers
 * (service option IDs, hold IDs, chat message IDs, …); `JSON.parse` would silently round one above
 * 2^53 to another ID. The client never rounds: a response holding such an integer fails the call
 * (ConnectResponseError naming the field and carrying the exact digits).
 *
 * Cheap by design: a body is scanned only when it holds a run of 16 digits (every integer beyond
 * 2^53 has at least 16), and the scan walks the text once, building no values.
 */

/** An integer of a JSON text that a number cannot hold exactly: where it is, and its exact text. */
export interface InexactInteger {
  /** The field, e.g. `service_options[0].id` (`` for a body that is the integer itself). */
  readonly field: string;
  /** The integer exactly as the server wrote it. */
  readonly digits: string;
}

/** Every integer beyond 2^53 has at least 16 digits: a body without such a run needs no scan. */
const LONG_DIGIT_RUN = /\d{16}/;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
/** Reported at most (one is enough to fail the call; a few help to see the pattern). */
const MAX_FOUND = 5;

/** Whether a number cannot hold the integer `digits` exactly (it would round to another integer). */
function isInexact(digits: string): boolean {
  return BigInt(Number(digits)) !== BigInt(digits);
}

interface Frame {
  /** The path of this container. */
  readonly path: string;
  readonly array: boolean;
  /** Arrays: the index of the current element. */
  index: number;
  /** Objects: the key of the current member (or undefined while reading a key). */
  key: string | undefined;
}

function childPath(frame: Frame | undefined): string {
  if (frame === undefined) return "";
  if (frame.array) return `${frame.path}[${frame.index}]`;
  const key = frame.key ?? "";
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (name !== key) return `${frame.path}[${name}]`;
  return frame.path ? `${frame.path}.${key}` : key;
}

/** Reads the string starting at the quote at `start`; returns its value and the index after it. */
function readString(text: string, start: number): { value: string; end: number } {
  let i = start + 1;
  let escaped = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      escaped = true;
      i += 1;
    } else if (c === 0x22) break;
  }
  const raw = text.slice(start, i + 1);
  return { value: escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1), end: i + 1 };
}

/**
 * The integers of a JSON text that a number cannot hold exactly (at most 5), in document order.
 * Expects valid JSON (a malformed text yields what was found before the fault; parsing reports it).
 */
export function findInexactIntegers(text: string): InexactInteger[] {
  if (!LONG_DIGIT_RUN.test(text)) return [];
  const found: InexactInteger[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length && found.length < MAX_FOUND; ) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '"') {
      const { value, end } = readString(text, i);
      if (top && !top.array && top.key === undefined) top.key = value;
      i = end;
    } else if (c === "{" || c === "[") {
      stack.push({ path: childPath(top), array: c === "[", index: 0, key: undefined });
      i += 1;
    } else if (c === "}" || c === "]") {
      stack.pop();
      i += 1;
    } else if (c === ",") {
      if (top?.array) top.index += 1;
      else if (top) top.key = undefined;
      i += 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (match === null) break;
      const digits = match[0];
      // Only integer literals: a fraction or an exponent is a decimal number, which may round by nature.
      if (match[1] === undefined && match[2] === undefined && digits.length >= 16 && isInexact(digits)) {
        found.push({ field: childPath(top), digits });
      }
      i += digits.length;
    } else {
      i += 1;
    }
  }
  return found;
}
