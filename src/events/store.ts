/**
 * The de-duplication store's contract: leases. A delivery that claims an event gets a lease (a
 * random token); only the holder of the current lease may extend it, mark the event processed or
 * drop the claim, so a handler that outlived its lease can never delete or overwrite a newer claim.
 */
import { ConnectConfigError, ConnectError } from "../errors.js";

/** The right to process one event, granted by `claim`. */
export interface CallbackEventLease {
  readonly eventId: string;
  /** Unique per claim: what `extend`, `complete` and `release` check (a fencing token for your own writes too). */
  readonly token: string;
  /** How long the lease holds after `claim` or `extend`, in ms (the handler extends it every third of this). */
  readonly leaseMs: number;
}

/**
 * The outcome of `claim`: `claimed` (process it now under `lease`, then `complete` or `release`),
 * `processed` (already handled: acknowledge without processing), `in_flight` (another delivery holds
 * an unexpired lease on it right now).
 */
export type CallbackClaim =
  | { readonly status: "claimed"; readonly lease: CallbackEventLease }
  | { readonly status: "processed" }
  | { readonly status: "in_flight" };

/**
 * Remembers which events were processed, so each `event_id` is handled once and none is lost
 * (`createMemoryEventStore`, or a shared one from `instacart-connect/stores/redis` or
 * `instacart-connect/stores/postgres`). Every method is atomic in the store:
 *
 * - `claim(eventId)`: of two concurrent claims of one ID, only one gets `claimed`. An expired lease
 *   counts as no claim.
 * - `extend(lease)`: true when `lease` is still the event's current, unexpired lease (it then holds
 *   for another `leaseMs`); false when it expired or another claim replaced it.
 * - `complete(lease)`: marks the event processed when `lease` is still its current claim (expired or
 *   not) or when no claim is left; never touches another delivery's claim. True when it marked it.
 * - `release(lease)`: drops the claim when `lease` is still the current one, so Instacart's retry is
 *   processed; never touches another delivery's claim. True when it dropped it.
 *
 * An answer of another shape is an error (`ConnectEventStoreError`), never taken as a claim.
 */
export interface CallbackEventStore {
  claim(eventId: string): CallbackClaim | Promise<CallbackClaim>;
  extend(lease: CallbackEventLease): boolean | Promise<boolean>;
  complete(lease: CallbackEventLease): boolean | Promise<boolean>;
  release(lease: CallbackEventLease): boolean | Promise<boolean>;
}

/** A store that failed or answered something its contract does not allow. */
export class ConnectEventStoreError extends ConnectError {}

/** Checks a claim as a store returned it; throws `ConnectEventStoreError` for anything else. */
export function checkClaim(answer: unknown, eventId: string): CallbackClaim {
  const status = typeof answer === "object" && answer !== null ? (answer as { status?: unknown }).status : undefined;
  if (status === "processed" || status === "in_flight") return { status };
  if (status === "claimed") {
    const lease = (answer as { lease?: Partial<CallbackEventLease> }).lease;
    if (
      lease?.eventId === eventId &&
      typeof lease.token === "string" &&
      lease.token !== "" &&
      typeof lease.leaseMs === "number" &&
      Number.isFinite(lease.leaseMs) &&
      lease.leaseMs > 0
    ) {
      return { status, lease: { eventId, token: lease.token, leaseMs: lease.leaseMs } };
    }
  }
  throw new ConnectEventStoreError(
    `The event store answered claim(${JSON.stringify(eventId)}) with ${describeAnswer(answer)}, not a claim.`,
  );
}

/** Checks the answer of `extend`, `complete` or `release`: a boolean, else `ConnectEventStoreError`. */
export function checkHeld(answer: unknown, method: "extend" | "complete" | "release", eventId: string): boolean {
  if (typeof answer === "boolean") return answer;
  throw new ConnectEventStoreError(
    `The event store answered ${method}() of event ${eventId} with ${describeAnswer(answer)}, not a boolean.`,
  );
}

function describeAnswer(answer: unknown): string {
  if (answer === undefined) return "nothing";
  try {
    return JSON.stringify(answer)?.slice(0, 200) ?? String(answer);
  } catch {
    return typeof answer;
  }
}

/** Checks a positive whole-milliseconds option (a lease, a retention). */
export function checkMilliseconds(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new ConnectConfigError(`\`${name}\` must be a positive integer number of milliseconds.`);
  return value;
}
