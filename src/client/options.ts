/**
 * Option validation: `createConnectClient`'s options, checked (unknown keys, types, ranges, the
 * credential rules) and turned into the settings the client runs on, defaults filled in.
 */
import { isSendableToken } from "../auth/bearer.js";
import type { SharedTokenCache } from "../auth/shared-token-cache.js";
import type { AccessTokenOption, TokenRefreshInfo } from "../auth/types.js";
import { systemClock, type Clock } from "../clock.js";
import { emitDeprecationWarning, type DeprecationHandler } from "../deprecation.js";
import { ConnectConfigError, ConnectRequestError, type CallTarget } from "../errors.js";
import { resolveServer, type ServerName } from "../servers.js";
import { fetchOf } from "../transport/attempt.js";
import type { TransportHooks } from "../transport/hooks.js";
import type { TransportSettings } from "../transport/transport.js";
import { VERSION } from "../version.js";

/** Hooks for logging and metrics. They receive no secret: `Authorization` is redacted. */
export interface ConnectHooks extends TransportHooks {
  /** A token was fetched (never the token itself). */
  onTokenRefresh?: ((info: TokenRefreshInfo) => void) | undefined;
}

export interface ConnectClientOptions {
  /** `"development"`, `"production"`, or an https:// URL (http:// only for loopback hosts). Required. */
  server: ServerName | URL | (string & {});
  /** Client ID of your Instacart OAuth application (with `clientSecret`). */
  clientId?: string | undefined;
  /** Client secret of your Instacart OAuth application. Never sent anywhere but the token endpoint. */
  clientSecret?: string | undefined;
  /** Instead of credentials: a token, or a function returning one per call (you then manage tokens). */
  accessToken?: AccessTokenOption | undefined;
  /**
   * A token cache the processes of your application share (Redis: `createRedisTokenCache` from
   * `instacart-connect/stores/redis`), behind the client's own in-memory one: one token per grant,
   * scope and user for all of them, and one token request at a time when it supports `lock`. Needs
   * `clientId` and `clientSecret`.
   */
  tokenCache?: SharedTokenCache | undefined;
  /** Scope for every token, instead of the scope each operation declares in the spec. */
  scope?: string | undefined;
  /** `X-Retailer-Id`, required for multi-banner retailers. */
  retailerId?: string | undefined;
  /** `Accept-Language`: `en-US`, `en-CA` or `fr-CA`. */
  locale?: string | undefined;
  /**
   * The most bytes a response body may have, counted as it is read (decoded: a compressed body counts
   * what it inflates to). A bigger one fails the call with a `ConnectResponseError`, not retried.
   * Default 16 MiB: the largest Connect answers (an order of 250 items, a week of service options) are
   * well under 1 MB.
   */
  maxResponseBytes?: number | undefined;
  /** Per-attempt timeout in ms. Default 60 000 (creating an order can take seconds). */
  timeout?: number | undefined;
  /** Retries after the first attempt, where retrying is safe. Default 2; 0 turns retries off. */
  maxRetries?: number | undefined;
  /** Backoff base in ms. Default 500. */
  retryDelay?: number | undefined;
  /** Backoff cap in ms. Default 8 000. */
  maxRetryDelay?: number | undefined;
  /** Longest `Retry-After` honoured, in ms (a longer one returns the response). Default 60 000. */
  maxRetryAfter?: number | undefined;
  /** Refresh a cached token this many ms before it expires. Default 60 000. */
  tokenRefreshMargin?: number | undefined;
  /** Called once per deprecated operation (and per `Deprecation`/`Sunset` header). Default: a `DeprecationWarning`. */
  onDeprecation?: DeprecationHandler | undefined;
  hooks?: ConnectHooks | undefined;
  /** The `fetch` to use. Default: the global `fetch`, looked up at call time. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /**
   * The time source for token expiry, backoff, `Retry-After` and attempt timeouts. Default: the
   * system clock. For tests and simulations that move time themselves instead of waiting.
   */
  clock?: Clock | undefined;
}

/** The settings a client runs on. */
export interface ClientSettings extends TransportSettings {
  /** Client credentials, or undefined when the caller manages tokens (`accessToken`). */
  readonly credentials: { readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly accessToken: AccessTokenOption | undefined;
  readonly tokenCache: SharedTokenCache | undefined;
  readonly scope: string | undefined;
  /** Sent on every request: Accept, User-Agent (Node.js, Bun, Deno), X-Retailer-Id, Accept-Language. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeout: number;
  readonly refreshMargin: number;
  readonly hooks: ConnectHooks;
}

const OPTION_KEYS = new Set<string>([
  "server",
  "clientId",
  "clientSecret",
  "accessToken",
  "tokenCache",
  "scope",
  "retailerId",
  "locale",
  "timeout",
  "maxResponseBytes",
  "maxRetries",
  "retryDelay",
  "maxRetryDelay",
  "maxRetryAfter",
  "tokenRefreshMargin",
  "onDeprecation",
  "hooks",
  "fetch",
  "clock",
]);
const HOOK_KEYS = new Set(["onRequest", "onResponse", "onRetry", "onTokenRefresh"]);
export const MAX_TIMEOUT = 2_147_483_647;
export const MAX_RETRIES = 10;

/** `target`: the call a per-call option belongs to (its error is then a ConnectRequestError). */
function invalid(message: string, target?: CallTarget): Error {
  return target ? new ConnectRequestError(message, { target }) : new ConnectConfigError(message);
}

/** The message for the first key of `value` that `known` lacks (`what`: "option", "hook", …), or undefined. */
export function unknownKey(value: object, known: ReadonlySet<string>, what: string): string | undefined {
  for (const key in value) if (!known.has(key)) return `unknown ${what} \`${key}\` (known: ${[...known].join(", ")}).`;
  return undefined;
}

/** A number in [min, max] (`whole`: an integer), or undefined when not given. */
export function checkNumber(
  name: string,
  value: unknown,
  min: number,
  max: number,
  whole: boolean,
  target?: CallTarget,
): number | undefined {
  if (value === undefined) return undefined;
  // NaN and infinities fail the range check.
  if (typeof value !== "number" || !(value >= min && value <= max) || (whole && !Number.isInteger(value))) {
    const got = typeof value === "number" ? value : typeof value;
    throw invalid(`\`${name}\` must be a ${whole ? "whole " : ""}number from ${min} to ${max}, got ${got}.`, target);
  }
  return value;
}

/** What an HTTP header value cannot hold: a line break or NUL (it would end or split the header), or a character beyond Latin-1. */
const NOT_IN_HEADERS = /[\0\r\n]|[^\0-\xff]/;

/** Why a header value is refused. */
export const UNSENDABLE = "cannot be sent as a header: it holds a line break, a NUL or a character beyond Latin-1.";

/** Whether `value` can be sent as a header value (a bad one throws a plain TypeError when the request is built). */
export function isHeaderValue(value: string): boolean {
  return !NOT_IN_HEADERS.test(value);
}

/** A non-empty string option sent as a header (`retailerId`, `locale`), or undefined. */
function checkHeaderOption(name: string, value: unknown): string | undefined {
  const text = checkString(name, value);
  if (text !== undefined && !isHeaderValue(text)) {
    throw new ConnectConfigError(`\`${name}\` ${UNSENDABLE}`);
  }
  return text;
}

function checkString(name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== "string" || value.trim() === ""))
    throw new ConnectConfigError(`\`${name}\` must be a non-empty string.`);
  return value;
}

function checkFunction<T>(name: string, value: unknown): T | undefined {
  if (value !== undefined && typeof value !== "function") throw new ConnectConfigError(`\`${name}\` must be a function.`);
  return value as T | undefined;
}

/** Client credentials or `accessToken`: exactly one of the two. */
function checkCredentials(options: ConnectClientOptions): Pick<ClientSettings, "credentials" | "accessToken"> {
  const clientId = checkString("clientId", options.clientId);
  const clientSecret = checkString("clientSecret", options.clientSecret);
  const { accessToken } = options;
  if (accessToken !== undefined && typeof accessToken !== "function" && !isSendableToken(accessToken)) {
    throw new ConnectConfigError(
      "`accessToken` must be a function, or a token an Authorization header can carry (visible ASCII, no spaces).",
    );
  }
  const credentials = clientId !== undefined && clientSecret !== undefined ? { clientId, clientSecret } : undefined;
  if ((clientId === undefined) !== (clientSecret === undefined) || (credentials === undefined) === (accessToken === undefined)) {
    throw new ConnectConfigError("credentials are required: `clientId` and `clientSecret` together, or `accessToken`, not both.");
  }
  return { credentials, accessToken };
}

/** A shared token cache (get, set, delete and an optional lock), or undefined; only with client credentials. */
function checkTokenCache(value: unknown, credentials: boolean): SharedTokenCache | undefined {
  if (value === undefined) return undefined;
  const cache = (value ?? {}) as Partial<SharedTokenCache>;
  if (![cache.get, cache.set, cache.delete, cache.lock ?? Function].every((f) => typeof f === "function") || !credentials) {
    throw new ConnectConfigError(
      "`tokenCache` needs `get`, `set` and `delete` functions (`lock` optional), and `clientId` and `clientSecret`.",
    );
  }
  return cache as SharedTokenCache;
}

function checkHooks(value: unknown): ConnectHooks {
  const hooks = value ?? {};
  if (typeof hooks !== "object" || hooks === null) throw new ConnectConfigError("`hooks` must be an object.");
  const unknown = unknownKey(hooks, HOOK_KEYS, "hook");
  if (unknown) throw new ConnectConfigError(unknown);
  for (const [key, hook] of Object.entries(hooks)) checkFunction(`hooks.${key}`, hook);
  return hooks as ConnectHooks;
}

function checkClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  const clock = value as Partial<Clock> | null;
  if (typeof clock !== "object" || clock === null || typeof clock.now !== "function" || typeof clock.setTimer !== "function") {
    throw new ConnectConfigError("`clock` must be an object with `now()` and `setTimer(callback, ms)`.");
  }
  return clock as Clock;
}

/** The headers of every request. */
function defaultHeaders(retailerId: string | undefined, locale: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { Accept: "application/json" };
  // Bun and Deno report a Node.js version too: name the runtime that really runs.
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions ?? {};
  const runtime = ["bun", "deno", "node"].find((name) => versions[name]);
  if (runtime) headers["User-Agent"] = `instacart-connect/${VERSION} ${runtime}/${versions[runtime]}`;
  if (retailerId !== undefined) headers["X-Retailer-Id"] = retailerId;
  if (locale !== undefined) headers["Accept-Language"] = locale;
  return headers;
}

/** Checks every option and fills in the defaults. Throws ConnectConfigError. */
export function resolveOptions(options: ConnectClientOptions): ClientSettings {
  if (typeof options !== "object" || options === null) throw new ConnectConfigError("createConnectClient needs an options object.");
  const unknown = unknownKey(options, OPTION_KEYS, "option");
  if (unknown) throw new ConnectConfigError(unknown);
  const baseUrl = resolveServer(options.server);
  const credentials = checkCredentials(options);
  if (options.scope !== undefined && typeof options.scope !== "string") throw new ConnectConfigError("`scope` must be a string.");
  return {
    baseUrl,
    ...credentials,
    tokenCache: checkTokenCache(options.tokenCache, credentials.credentials !== undefined),
    scope: options.scope,
    headers: defaultHeaders(checkHeaderOption("retailerId", options.retailerId), checkHeaderOption("locale", options.locale)),
    timeout: checkNumber("timeout", options.timeout, 1, MAX_TIMEOUT, true) ?? 60_000,
    maxResponseBytes: checkNumber("maxResponseBytes", options.maxResponseBytes, 1, MAX_TIMEOUT, true) ?? 16 * 1024 * 1024,
    retry: {
      maxRetries: checkNumber("maxRetries", options.maxRetries, 0, MAX_RETRIES, true) ?? 2,
      baseDelay: checkNumber("retryDelay", options.retryDelay, 0, 60_000, false) ?? 500,
      maxDelay: checkNumber("maxRetryDelay", options.maxRetryDelay, 0, 300_000, false) ?? 8_000,
      maxRetryAfter: checkNumber("maxRetryAfter", options.maxRetryAfter, 0, 3_600_000, false) ?? 60_000,
    },
    refreshMargin: checkNumber("tokenRefreshMargin", options.tokenRefreshMargin, 0, 3_600_000, false) ?? 60_000,
    onDeprecation: checkFunction<DeprecationHandler>("onDeprecation", options.onDeprecation) ?? emitDeprecationWarning,
    hooks: checkHooks(options.hooks),
    fetch: fetchOf(checkFunction<(request: Request) => Promise<Response>>("fetch", options.fetch)),
    clock: checkClock(options.clock),
  };
}
