/**
 * The event store contract against createPostgresEventStore on a real PostgreSQL 15 (Debian's,
 * started here on 127.0.0.1 and a free port, stopped by PID), through a pg Pool. Slow suite.
 */
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type PostgresServer, startPostgresServer } from "../support/postgres-server.ts";
import { describeStoreContract } from "./contract.ts";
import { postgresTarget } from "./postgres-targets.ts";

let server: PostgresServer;
let pool: pg.Pool;

beforeAll(async () => {
  server = await startPostgresServer();
  pool = new pg.Pool({ connectionString: server.url, max: 20 });
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
});

describeStoreContract(
  "createPostgresEventStore on PostgreSQL 15 with pg",
  postgresTarget({ query: (sql, params) => pool.query(sql, params) }),
);
