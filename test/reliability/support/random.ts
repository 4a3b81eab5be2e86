/** Distinctive random values for secrets and tokens (no dependency on vitest: also used in a worker thread). */
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random string of `length` letters and digits: distinctive, so a scan cannot match by accident. */
export function randomSecret(length = 32): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}
