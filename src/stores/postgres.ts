/**
 * `instacart-connect/stores/postgres`: a `CallbackEventStore` on PostgreSQL, shared by every
 * receiver instance. Each operation is one statement (the claim is an `INSERT … ON CONFLICT … DO
 * UPDATE … WHERE` that takes over only an expired, unprocessed claim), and every lease is timed by
 * the database's clock, so instances with drifting clocks agree. Bring any client with
 * `query(sql, params)` that answers `{ rows }`: `pg`'s Client or Pool (an optional peer dependency
 * this module never imports), PGlite, Neon's serverless driver.
 */
import { ConnectConfigError } from "../errors.js";
import {
  type CallbackClaim,
  type CallbackEventLease,
  type CallbackEventStore,
  checkMilliseconds,
  ConnectEventStoreError,
} from "../events/store.js";

/** A connected PostgreSQL client: `query(sql, params)` resolving to `{ rows }` (pg, PGlite, Neon). */
export interface PostgresClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface PostgresEventStoreOptions {
  /** The table, optionally schema-qualified (`public.instacart_events`). Default `instacart_connect_events`. */
  table?: string;
  /** How long a claim holds without being extended, in ms (the handler extends it while `onEvent` runs). Default 60 000. */
  leaseMs?: number;
  /** How long `deleteExpired()` keeps a processed `event_id`, in ms. Default 7 days. */
  processedTtlMs?: number;
}

/** The event store, plus its table's upkeep. */
export interface PostgresEventStore extends CallbackEventStore {
  /** Creates the table if it does not exist (or run `createTableSql` in your migrations). */
  createTable(): Promise<void>;
  /** Deletes processed events older than `processedTtlMs` and expired claims; returns how many. Run it now and then. */
  deleteExpired(): Promise<number>;
  /** The `CREATE TABLE IF NOT EXISTS` statement for your migrations. */
  readonly createTableSql: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const MS = "* interval '1 millisecond'";

/** `schema.table` → `"schema"."table"`; refuses anything but plain identifiers. */
function quoteTable(table: string): string {
  const parts = typeof table === "string" ? table.split(".") : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new ConnectConfigError("`table` must be a table name, optionally schema-qualified, of letters, digits and underscores.");
  }
  return parts.map((part) => `"${part}"`).join(".");
}

/** The statements, for one table. `$1` event_id, `$2` lease token, `$3` a duration in ms. */
function statements(t: string) {
  return {
    create: `CREATE TABLE IF NOT EXISTS ${t} (
  event_id text PRIMARY KEY,
  lease_token text,
  lease_expires_at timestamptz,
  processed_at timestamptz
)`,
    claim: `WITH claimed AS (
  INSERT INTO ${t} AS e (event_id, lease_token, lease_expires_at)
  VALUES ($1, $2, clock_timestamp() + $3::double precision ${MS})
  ON CONFLICT (event_id) DO UPDATE SET lease_token = EXCLUDED.lease_token, lease_expires_at = EXCLUDED.lease_expires_at
  WHERE e.processed_at IS NULL AND e.lease_expires_at <= clock_timestamp()
  RETURNING e.lease_token
)
SELECT (SELECT lease_token FROM claimed) AS token, (SELECT processed_at IS NOT NULL FROM ${t} WHERE event_id = $1) AS processed`,
    extend: `UPDATE ${t} SET lease_expires_at = clock_timestamp() + $3::double precision ${MS}
WHERE event_id = $1 AND lease_token = $2 AND processed_at IS NULL AND lease_expires_at > clock_timestamp()
RETURNING 1 AS held`,
    complete: `INSERT INTO ${t} AS e (event_id, processed_at) VALUES ($1, clock_timestamp())
ON CONFLICT (event_id) DO UPDATE SET processed_at = clock_timestamp(), lease_token = NULL, lease_expires_at = NULL
WHERE e.lease_token = $2 AND e.processed_at IS NULL
RETURNING 1 AS held`,
    release: `DELETE FROM ${t} WHERE event_id = $1 AND lease_token = $2 AND processed_at IS NULL RETURNING 1 AS held`,
    deleteExpired: `WITH gone AS (
  DELETE FROM ${t}
  WHERE (processed_at IS NOT NULL AND processed_at < clock_timestamp() - $1::double precision ${MS})
     OR (processed_at IS NULL AND lease_expires_at <= clock_timestamp())
  RETURNING 1
)
SELECT count(*)::integer AS deleted FROM gone`,
  };
}

/**
 * A shared event store on PostgreSQL:
 *
 * ```ts
 * import pg from "pg";
 * const store = createPostgresEventStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * await store.createTable();
 * createCallbackHandler({ authorize, onEvent, store });
 * ```
 */
export function createPostgresEventStore(client: PostgresClient, options: PostgresEventStoreOptions = {}): PostgresEventStore {
  if (typeof client !== "object" || client === null || typeof client.query !== "function") {
    throw new ConnectConfigError("createPostgresEventStore needs a client with `query(sql, params)`, such as a pg Pool.");
  }
  const sql = statements(quoteTable(options.table ?? "instacart_connect_events"));
  const leaseMs = checkMilliseconds(options.leaseMs ?? 60_000, "leaseMs");
  const processedTtlMs = checkMilliseconds(options.processedTtlMs ?? 7 * 24 * 3600_000, "processedTtlMs");
  const rowsOf = async (operation: string, eventId: string, text: string, params: unknown[]): Promise<Record<string, unknown>[]> => {
    const result = await client.query(text, params);
    const rows = (result as { rows?: unknown } | undefined)?.rows;
    if (Array.isArray(rows) && rows.every((row) => typeof row === "object" && row !== null)) return rows as Record<string, unknown>[];
    throw unexpected(operation, eventId, result);
  };
  const held = async (operation: string, lease: CallbackEventLease, text: string, params: unknown[]): Promise<boolean> => {
    const rows = await rowsOf(operation, lease.eventId, text, params);
    if (rows.length === 0) return false;
    if (rows.length === 1 && rows[0]?.held === 1) return true;
    throw unexpected(operation, lease.eventId, rows);
  };

  return {
    createTableSql: sql.create,
    async createTable() {
      await client.query(sql.create, []);
    },
    async deleteExpired() {
      const [row] = await rowsOf("deleteExpired", "-", sql.deleteExpired, [processedTtlMs]);
      if (typeof row?.deleted !== "number") throw unexpected("deleteExpired", "-", row);
      return row.deleted;
    },
    async claim(eventId): Promise<CallbackClaim> {
      const token = crypto.randomUUID();
      const rows = await rowsOf("claim", eventId, sql.claim, [eventId, token, leaseMs]);
      const row = rows.length === 1 ? rows[0] : undefined;
      if (row?.token === token) return { status: "claimed", lease: { eventId, token, leaseMs } };
      if (row?.token === null && row.processed === true) return { status: "processed" };
      // A live claim, or one released or completed since this statement's snapshot: retry later.
      if (row?.token === null && (row.processed === false || row.processed === null)) return { status: "in_flight" };
      throw unexpected("claim", eventId, rows);
    },
    extend: (lease) => held("extend", lease, sql.extend, [lease.eventId, lease.token, leaseMs]),
    complete: (lease) => held("complete", lease, sql.complete, [lease.eventId, lease.token]),
    release: (lease) => held("release", lease, sql.release, [lease.eventId, lease.token]),
  };
}

function unexpected(operation: string, eventId: string, answer: unknown): ConnectEventStoreError {
  let shown: string;
  try {
    shown = JSON.stringify(answer)?.slice(0, 200) ?? String(answer);
  } catch {
    shown = typeof answer;
  }
  return new ConnectEventStoreError(
    `PostgreSQL answered ${operation} of event ${eventId} with ${shown}, which the store's statement never returns.`,
  );
}
