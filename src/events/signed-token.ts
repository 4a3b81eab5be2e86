/**
 * Callback tokens any receiver instance can check: `ict1.<expiry>.<nonce>.<signature>`, an
 * HMAC-SHA256 (Web Crypto) over the rest, keyed by a secret the instances share. No store, no
 * process memory: a token issued by one instance is accepted by every other until it expires.
 */
import { ConnectConfigError } from "../errors.js";
import { fromBase64Url, toBase64Url } from "./base64url.js";

const PREFIX = "ict1";
const TOKEN = /^ict1\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const MIN_SECRET_BYTES = 32;

/** An imported HMAC key (Web Crypto's `CryptoKey`, named through `crypto` so that no DOM lib is needed). */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** A shared signing secret: at least 32 bytes (e.g. 32 random bytes, base64-encoded). A list rotates keys: the first signs, all verify. */
export type CallbackSigningSecret = string | Uint8Array | readonly (string | Uint8Array)[];

/** Imports each secret as an HMAC-SHA256 key (once, lazily); refuses a short secret at once. */
export function signingKeys(secret: CallbackSigningSecret): () => Promise<HmacKey[]> {
  const secrets = (Array.isArray(secret) ? secret : [secret]) as readonly (string | Uint8Array)[];
  if (secrets.length === 0) throw new ConnectConfigError("`signingSecret` must hold at least one secret.");
  const raw = secrets.map((each) => {
    const bytes =
      typeof each === "string" ? new TextEncoder().encode(each) : each instanceof Uint8Array ? Uint8Array.from(each) : undefined;
    if (bytes === undefined || bytes.byteLength < MIN_SECRET_BYTES) {
      throw new ConnectConfigError(`\`signingSecret\` must be a string or Uint8Array of at least ${MIN_SECRET_BYTES} bytes.`);
    }
    return bytes;
  });
  let keys: Promise<HmacKey[]> | undefined;
  return () => {
    keys ??= Promise.all(
      raw.map((bytes) => crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"])),
    );
    return keys;
  };
}

/** A new signed token that expires at `expiresAt` (seconds since the epoch). */
export async function signToken(keys: () => Promise<HmacKey[]>, expiresAt: number): Promise<string> {
  const body = `${PREFIX}.${expiresAt}.${toBase64Url(crypto.getRandomValues(new Uint8Array(16)))}`;
  const [key] = await keys();
  if (key === undefined) throw new ConnectConfigError("`signingSecret` holds no secret.");
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return `${body}.${toBase64Url(new Uint8Array(signature))}`;
}

/** Whether `token` was signed by one of `keys` and expires after `nowSeconds` (Web Crypto's verify compares in constant time). */
export async function verifyToken(keys: () => Promise<HmacKey[]>, token: string, nowSeconds: number): Promise<boolean> {
  const match = TOKEN.exec(token);
  if (!match || Number(match[1]) <= nowSeconds) return false;
  const signature = fromBase64Url(match[3] ?? "");
  if (signature === undefined) return false;
  const body = new TextEncoder().encode(token.slice(0, token.lastIndexOf(".")));
  for (const key of await keys()) {
    if (await crypto.subtle.verify("HMAC", key, signature, body)) return true;
  }
  return false;
}

export interface CallbackTokenVerifierOptions {
  /** The secret the token endpoint signs with (`createCallbackTokenHandler`'s `signingSecret`). */
  signingSecret: CallbackSigningSecret;
  /** Accept a token this many seconds past its expiry (clocks of instances drift). Default 30. */
  clockToleranceSeconds?: number;
  /** The clock, in ms (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * The `authorize` of `createCallbackHandler` for tokens `createCallbackTokenHandler` signed with the
 * same `signingSecret`: true for an unexpired token with a valid signature, on any instance.
 */
export function createCallbackTokenVerifier(options: CallbackTokenVerifierOptions): (token: string) => Promise<boolean> {
  const keys = signingKeys(options.signingSecret);
  const tolerance = options.clockToleranceSeconds ?? 30;
  if (!Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new ConnectConfigError("`clockToleranceSeconds` must be a non-negative integer.");
  }
  const now = options.now ?? Date.now;
  return (token) => verifyToken(keys, token, Math.floor(now() / 1000) - tolerance);
}
