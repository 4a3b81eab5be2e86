/** Contract targets for createPostgresEventStore over any `query(sql, params)` client. */
import { createPostgresEventStore, type PostgresClient } from "../../src/stores/postgres.ts";
import type { ContractTarget } from "./contract.ts";

export const UNEXPECTED_POSTGRES_ANSWERS: unknown[] = [
  undefined,
  {},
  { rows: "none" },
  { rows: [null] },
  { rows: [{}] },
  { rows: [{ token: "another-token", processed: false, held: 2 }] },
  { rows: [{ held: 1 }, { held: 1 }] },
];

/** A fresh table per store, on `client`. */
export function postgresTarget(client: PostgresClient): ContractTarget {
  let tables = 0;
  return {
    async create(leaseMs) {
      const table = `events_${process.pid}_${Date.now()}_${tables++}`;
      const store = createPostgresEventStore(client, { table, leaseMs });
      await store.createTable();
      return {
        store,
        async expire(eventId) {
          await client.query(
            `UPDATE "${table}" SET lease_expires_at = clock_timestamp() - interval '1 millisecond' WHERE event_id = $1 AND processed_at IS NULL`,
            [eventId],
          );
        },
      };
    },
    misbehaving: (answer) => createPostgresEventStore({ query: async () => answer as { rows: unknown[] } }),
    unexpectedAnswers: UNEXPECTED_POSTGRES_ANSWERS,
  };
}
