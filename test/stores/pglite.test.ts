/**
 * The event store contract against createPostgresEventStore on PGlite (PostgreSQL in WebAssembly, in
 * process): the store's SQL in the fast suite. test/stores/postgres.test.ts runs it on a real server.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectConfigError } from "../../src/events/index.ts";
import { createPostgresEventStore } from "../../src/stores/postgres.ts";
import { describeStoreContract } from "./contract.ts";
import { postgresTarget } from "./postgres-targets.ts";

const db = new PGlite();
// Starting PostgreSQL in WebAssembly takes seconds on a busy machine: a hook (60 s), not the first test (20 s).
beforeAll(() => db.waitReady);
afterAll(() => db.close());

describeStoreContract("createPostgresEventStore on PGlite", postgresTarget(db));

describe("createPostgresEventStore: table upkeep", () => {
  it("deletes processed events past processedTtlMs and expired claims, and keeps the rest", async () => {
    const store = createPostgresEventStore(db, { table: "upkeep", processedTtlMs: 60_000 });
    await store.createTable();
    for (const id of ["old", "new"]) {
      const claim = await store.claim(id);
      if (claim.status === "claimed") await store.complete(claim.lease);
    }
    await store.claim("live");
    await store.claim("stale");
    await db.query("UPDATE upkeep SET processed_at = clock_timestamp() - interval '2 minutes' WHERE event_id = 'old'");
    await db.query("UPDATE upkeep SET lease_expires_at = clock_timestamp() - interval '1 second' WHERE event_id = 'stale'");
    expect(await store.deleteExpired()).toBe(2);
    const { rows } = await db.query<{ event_id: string }>("SELECT event_id FROM upkeep ORDER BY event_id");
    expect(rows.map((row) => row.event_id)).toEqual(["live", "new"]);
  });

  it("exposes its CREATE TABLE for migrations and refuses a table name that is not an identifier", () => {
    expect(createPostgresEventStore(db, { table: "app.events" }).createTableSql).toMatch(/^CREATE TABLE IF NOT EXISTS "app"\."events"/);
    for (const table of ["events; DROP TABLE x", 'a"b', "a.b.c", ""]) {
      expect(() => createPostgresEventStore(db, { table })).toThrow(ConnectConfigError);
    }
    expect(() => createPostgresEventStore({} as never)).toThrow(/query/);
  });
});
