/** `createSimulator` options: what they mean, their defaults, and the checks that refuse bad ones. */
import type { CallbackOptions } from "./callbacks.js";
import type { ClockOptions } from "./clock.js";
import type { FaultRule } from "./faults.js";
import type { SimulatorStore } from "./state.js";

export interface SimulatorLimits {
  /** Records kept per kind (users, orders, holds…; time slots: ten times as many). Default 10 000. */
  maxRecords?: number;
  /** Entries kept in each log (`requests`, `events`, `violations`): the newest. Default 10 000. */
  maxLogEntries?: number;
  /** Largest request body, in bytes (413 above). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Live access tokens kept (the oldest are forgotten, answering 401). Default 10 000. */
  maxTokens?: number;
}

export interface SimulatorOptions {
  /** The client ID the simulated Instacart accepts. Default `simulator-client-id`. */
  clientId?: string;
  /** The client secret it accepts. Default `simulator-client-secret`. */
  clientSecret?: string;
  /** The scopes of the simulated OAuth application. Default: every scope the spec declares. */
  scopes?: readonly string[];
  /** Access token lifetime in seconds. Default 86 400 (Instacart's). */
  tokenLifetime?: number;
  /** Port of the HTTP server on 127.0.0.1. Default 0 (a free one). */
  port?: number;
  /** Start the HTTP server (default `true`); without it only `sim.fetch` works. */
  listen?: boolean;
  /** The simulated clock. Default: starts now and runs with real time. */
  clock?: ClockOptions;
  /** The retailer's stores. Default: three made-up stores in Chicago that serve every postal code. */
  stores?: readonly SimulatorStore[];
  /** Where event callbacks go. Without it events are recorded (`sim.events`) but not sent. */
  callbacks?: CallbackOptions;
  /** Faults from the start (more with `sim.faults.add`). */
  faults?: readonly FaultRule[];
  /** Check every answer against the spec; a mismatch answers 500 and lands in `sim.violations`. Default `true`. */
  validateResponses?: boolean;
  /** Seed of the simulator's randomness (tokens, ids, fault rates, reordering). Default 1. */
  seed?: number;
  limits?: SimulatorLimits;
}

const positiveInteger = (value: number | undefined, name: string): void => {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer`);
};

const nonEmpty = (value: unknown, name: string): void => {
  if (typeof value !== "string" || value === "") throw new TypeError(`${name} must be a non-empty string`);
};

function checkCallbacks(callbacks: CallbackOptions): void {
  for (const name of ["url", "tokenUrl", "clientId", "clientSecret"] as const) nonEmpty(callbacks[name], `callbacks.${name}`);
  for (const name of ["url", "tokenUrl"] as const) {
    if (!URL.canParse(callbacks[name])) throw new TypeError(`callbacks.${name} must be an absolute URL`);
  }
  if (callbacks.fetch !== undefined && typeof callbacks.fetch !== "function") throw new TypeError("callbacks.fetch must be a function");
  const share = callbacks.duplicate;
  if (typeof share === "number" && !(share >= 0 && share <= 1)) throw new RangeError("callbacks.duplicate must be between 0 and 1");
  positiveInteger(callbacks.maxAttempts, "callbacks.maxAttempts");
  positiveInteger(callbacks.timeout, "callbacks.timeout");
  for (const name of ["retryDelay", "maxRetryDelay"] as const) {
    const value = callbacks[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new RangeError(`callbacks.${name} must be a non-negative number`);
  }
  if (typeof callbacks.reorder === "number" && !(callbacks.reorder >= 0))
    throw new RangeError("callbacks.reorder must be a non-negative number");
}

/** Refuses options that cannot work, with a message naming the option. */
export function checkOptions(options: SimulatorOptions): void {
  if (options.clientId !== undefined) nonEmpty(options.clientId, "clientId");
  if (options.clientSecret !== undefined) nonEmpty(options.clientSecret, "clientSecret");
  positiveInteger(options.tokenLifetime, "tokenLifetime");
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65_535)) {
    throw new RangeError("port must be an integer from 0 to 65535");
  }
  if (options.stores !== undefined && (!Array.isArray(options.stores) || options.stores.length === 0)) {
    throw new TypeError("stores must be a non-empty array");
  }
  for (const store of options.stores ?? []) nonEmpty(store.location_code, "stores[].location_code");
  if (options.callbacks !== undefined) checkCallbacks(options.callbacks);
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new TypeError("seed must be an integer");
  for (const name of ["maxRecords", "maxLogEntries", "maxBodyBytes", "maxTokens"] as const)
    positiveInteger(options.limits?.[name], `limits.${name}`);
}
