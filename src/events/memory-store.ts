/**
 * The default event store: in memory, for one process, with the same lease rules as the shared
 * stores (a stale `complete` or `release` never touches a newer claim).
 */
import { ConnectConfigError } from "../errors.js";
import { type CallbackEventLease, type CallbackEventStore, checkMilliseconds } from "./store.js";

export interface MemoryEventStoreOptions {
  /** How many processed `event_id`s to remember (least recently seen are forgotten first). Default 10 000. */
  maxEntries?: number;
  /**
   * How long a claim holds without being extended, in ms: a handler that hangs no longer blocks
   * Instacart's retries after it. The callback handler extends the lease while `onEvent` runs.
   * Default 60 000.
   */
  leaseMs?: number;
  /** The clock, in ms (tests). Default `Date.now`. */
  now?: () => number;
}

interface Claim {
  token: string;
  expiresAt: number;
}

/**
 * An in-memory `CallbackEventStore`. Bounded: it remembers at most `maxEntries` processed IDs,
 * forgetting the least recently seen first, and drops expired claims when it holds more than
 * `maxEntries` of them.
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): CallbackEventStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ConnectConfigError("`maxEntries` must be a positive integer.");
  }
  const leaseMs = checkMilliseconds(options.leaseMs ?? 60_000, "leaseMs");
  const now = options.now ?? Date.now;
  const claims = new Map<string, Claim>();
  const processed = new Set<string>(); // insertion order = least recently seen first
  const isCurrent = (lease: CallbackEventLease): boolean => claims.get(lease.eventId)?.token === lease.token;

  return {
    claim(eventId) {
      if (processed.has(eventId)) {
        processed.delete(eventId);
        processed.add(eventId);
        return { status: "processed" };
      }
      const held = claims.get(eventId);
      if (held !== undefined && held.expiresAt > now()) return { status: "in_flight" };
      const lease = { eventId, token: crypto.randomUUID(), leaseMs };
      claims.set(eventId, { token: lease.token, expiresAt: now() + leaseMs });
      if (claims.size > maxEntries) dropExpired(claims, now());
      return { status: "claimed", lease };
    },
    extend(lease) {
      const held = claims.get(lease.eventId);
      if (held?.token !== lease.token || held.expiresAt <= now()) return false;
      held.expiresAt = now() + leaseMs;
      return true;
    },
    complete(lease) {
      if (processed.has(lease.eventId) || (claims.has(lease.eventId) && !isCurrent(lease))) return false;
      claims.delete(lease.eventId);
      processed.add(lease.eventId);
      for (const oldest of processed) {
        if (processed.size <= maxEntries) break;
        processed.delete(oldest);
      }
      return true;
    },
    release(lease) {
      if (!isCurrent(lease)) return false;
      claims.delete(lease.eventId);
      return true;
    },
  };
}

function dropExpired(claims: Map<string, Claim>, at: number): void {
  for (const [eventId, claim] of claims) if (claim.expiresAt <= at) claims.delete(eventId);
}
