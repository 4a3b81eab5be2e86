/**
 * Integers a JavaScript number cannot hold exactly. Instacart documents some IDs as 64-bit integers
 * (service option IDs, hold IDs, chat message IDs, …); `JSON.parse` would silently round one above
 * 2^53 to another ID. The client never rounds: a response holding such an integer fails the call
 * (ConnectResponseError naming the field and carrying the exact digits).
 *
 * Cheap by design: a body is scanned only when it holds a run of 16 digits (every integer beyond
 * 2^53 has at least 16; found by looking at every 16th character), and the scan walks the text
 * once, building no values.
 */

/** An integer of a JSON text that a number cannot hold exactly: where it is, and its exact text. */
export interface InexactInteger {
  /** The field, e.g. `service_options[0].id` (`` for a body that is the integer itself). */
  readonly field: string;
  /** The integer exactly as the server wrote it. */
  readonly digits: string;
}

/** Every integer beyond 2^53 has at least 16 digits: a body without such a run needs no scan. */
const LONG_RUN = 16;
/** The tokens that matter: strings (keys, or values to skip), numbers, brackets and commas. */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(\.\d+)?([eE][+-]?\d+)?|[{}[\],]/g;
/** Reported at most (one is enough to fail the call; a few help to see the pattern). */
const MAX_FOUND = 5;

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/**
 * Whether `text` holds a run of 16 digits. Looks at every 16th character (any such run covers one)
 * and around the digits it finds: a fraction of the work of a regular expression on every character.
 */
export function hasLongDigitRun(text: string): boolean {
  for (let i = LONG_RUN - 1; i < text.length; i += LONG_RUN) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start -= 1;
    let end = i + 1;
    while (end < text.length && isDigit(text.charCodeAt(end))) end += 1;
    if (end - start >= LONG_RUN) return true;
    // The next run of 16 ends at end + 15 at the earliest: probe there, then every 16th character.
    i = end - 1;
  }
  return false;
}

/** Whether a number cannot hold the integer `digits` exactly (it would round to another integer). */
function isInexact(digits: string): boolean {
  return BigInt(Number(digits)) !== BigInt(digits);
}

/** Where the scan is, per open container: the index of the current element (arrays) or the key of the current member (objects; undefined until the key is read). */
type Path = (number | string | undefined)[];

/** The field at `path`: `a.b`, `a[0]`. */
function fieldAt(path: Path): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : `${part}`), "");
}

/**
 * The integers of a JSON text that a number cannot hold exactly (at most 5), in document order.
 * Expects valid JSON (in a malformed text, what it reports is only a best effort; parsing fails anyway).
 */
export function findInexactIntegers(text: string): InexactInteger[] {
  if (!hasLongDigitRun(text)) return [];
  const found: InexactInteger[] = [];
  const path: Path = [];
  for (const [token, fraction, exponent] of text.matchAll(TOKEN)) {
    const last = path.length - 1;
    const top = path[last];
    const first = token[0];
    if (first === "{") path.push(undefined);
    else if (first === "[") path.push(0);
    else if (first === "}" || first === "]") path.pop();
    else if (first === '"') {
      // A string is an object's key when none is set yet (values come after a key).
      if (last >= 0 && top === undefined) path[last] = JSON.parse(token) as string;
    } else if (first === ",") {
      if (last >= 0) path[last] = typeof top === "number" ? top + 1 : undefined;
    } else if (!fraction && !exponent && token.length >= LONG_RUN && isInexact(token)) {
      // Only integer literals: a fraction or an exponent is a decimal number, which may round by nature.
      if (found.push({ field: fieldAt(path), digits: token }) === MAX_FOUND) break;
    }
  }
  return found;
}
