/**
 * The secrets a client knows (its client secret and the tokens it has seen), and their removal from
 * any text that could reach an error message, a warning or a hook.
 */

export interface Redactor {
  /** Adds a token to the secrets to scrub (the most recent 11,000 are kept). */
  remember(token: string): void;
  /** `text` with every known secret replaced by `[redacted]`. */
  redact(text: string): string;
}

/** Tokens remembered at most: more than the token cache holds, so that every token in use is among them. */
const MAX_REMEMBERED = 11_000;

export function createRedactor(clientSecret: string | undefined): Redactor {
  const known = new Set<string>();
  return {
    remember(token) {
      if (known.has(token)) return;
      if (known.size >= MAX_REMEMBERED) known.delete(known.values().next().value as string);
      known.add(token);
    },
    redact(text) {
      let out = text;
      const scrub = (secret: string | undefined): void => {
        // Shorter values are too likely to occur in ordinary text; tokens and secrets are long.
        if (secret && secret.length >= 4) out = out.replaceAll(secret, "[redacted]");
      };
      scrub(clientSecret);
      for (const token of known) scrub(token);
      return out;
    },
  };
}

/** A copy of a parsed body with `redact` applied to every string in it (keys included). */
export function redactDeep(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === "string") return redact(value);
  if (typeof value !== "object" || value === null) return value;
  if (depth > 32) return "[nested too deep]";
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redact(key)] = redactDeep(item, redact, depth + 1);
  return out;
}
