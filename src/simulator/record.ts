/**
 * What the simulator received and sent, for tests to read (`sim.requests`, `sim.events`,
 * `sim.violations`). Each log keeps the newest `limit` entries, so a long run stays bounded.
 */

/** One request the simulator answered (or dropped with a fault). */
export interface RecordedRequest {
  /** Simulated time it arrived, ISO 8601. */
  readonly at: string;
  readonly method: string;
  /** Path and query as sent, e.g. `/v2/fulfillment/users`. */
  readonly path: string;
  /** The spec's operationId, or undefined for a path the spec does not have. */
  readonly operationId: string | undefined;
  /** The parsed JSON body (credentials and tokens replaced by `[redacted]`). */
  readonly body: unknown;
  /** The status answered, or undefined when a fault reset or dropped the connection. */
  readonly status: number | undefined;
  readonly response: unknown;
  /** The fault applied, if any. */
  readonly fault: string | undefined;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryAttempt {
  /** Simulated time of the attempt. */
  readonly at: string;
  /** The receiver's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** What went wrong (token request failed, connection refused, timeout…). */
  readonly error: string | undefined;
}

/** One copy of an event on its way to the callback URL (a duplicated event has two). */
export interface EventDelivery {
  readonly copy: number;
  status: DeliveryStatus;
  readonly attempts: DeliveryAttempt[];
}

/** An event callback the simulator produced. */
export interface RecordedEvent {
  /** `event_id`, an exact decimal string (the JSON carries it as a bare integer above 2^53). */
  readonly eventId: string;
  /** The webhook's key in the spec, e.g. `brand-new`. */
  readonly webhook: string;
  /** `event_name`; undefined when the spec does not publish it (the event is then not sent). */
  readonly eventName: string | undefined;
  readonly orderId: string | undefined;
  /** `event_timestamp`. */
  readonly timestamp: string;
  /** The JSON body, exactly as posted. */
  readonly body: string;
  /** Why it is not sent: no callback URL configured, or no public `event_name`. */
  readonly notSent: string | undefined;
  readonly deliveries: EventDelivery[];
}

/** A response or event that did not match the spec (a simulator bug: tests assert there is none). */
export interface ContractViolation {
  readonly at: string;
  /** operationId and status, or `webhook <key>`. */
  readonly where: string;
  readonly problems: readonly string[];
}

export interface Log<T> {
  push(entry: T): void;
  entries(): T[];
  clear(): void;
}

export function createLog<T>(limit: number): Log<T> {
  let items: T[] = [];
  return {
    push(entry) {
      items.push(entry);
      if (items.length > limit) items = items.slice(items.length - limit);
    },
    entries: () => items.slice(),
    clear() {
      items = [];
    },
  };
}

const SECRET_FIELDS = new Set(["client_secret", "assertion", "token", "code", "linking_token", "password", "access_token"]);

/** A path with its query, secrets in the query replaced (credentials sent there are refused, but still logged). */
export function redactPath(url: URL): string {
  const query = new URLSearchParams(url.search);
  for (const name of [...query.keys()]) if (SECRET_FIELDS.has(name)) query.set(name, "[redacted]");
  const search = query.toString();
  return `${url.pathname}${search === "" ? "" : `?${search}`}`;
}

/** A copy of a request or response body with credentials and tokens replaced, fit for a log a test may print. */
export function redactBody(body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, SECRET_FIELDS.has(key) ? "[redacted]" : value]));
}
