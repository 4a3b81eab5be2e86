/**
 * Seeded randomness (mulberry32), so that a simulator run is repeatable: the same seed gives the
 * same tokens, event ids, fault draws and callback reordering. Not for secrets: the simulator's
 * tokens only have to be unique within one simulator.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** `length` characters from A–Z, a–z, 0–9 (tokens and codes). */
  token(length: number): string;
  /** A 19-digit decimal below 2^63, as large as Instacart's event ids (beyond 2^53). */
  int64(): string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    token(length) {
      let text = "";
      for (let index = 0; index < length; index++) text += ALPHABET[int(0, ALPHABET.length - 1)];
      return text;
    },
    int64() {
      // 1 followed by 18 random digits: 10^18 ≤ value < 2·10^18 < 2^63.
      let digits = "1";
      for (let index = 0; index < 18; index++) digits += String(int(0, 9));
      return digits;
    },
  };
}
