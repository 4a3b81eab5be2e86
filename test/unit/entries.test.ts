/**
 * The package's two entry points: `instacart-connect` (everything) and `instacart-connect/events`
 * (the event callback side, without the API client).
 */
import { describe, expect, it } from "vitest";
import * as eventsEntry from "../../src/events/index.ts";
import * as rootEntry from "../../src/index.ts";
import { bundledModules } from "../support/bundled-modules.ts";

describe("instacart-connect/events", () => {
  it("exports the very objects the root exports, so instanceof works across the two entries", () => {
    const names = Object.keys(eventsEntry).sort();
    expect(names).toEqual([
      "ConnectCallbackError",
      "ConnectConfigError",
      "ConnectError",
      "ConnectEventStoreError",
      "createCallbackHandler",
      "createCallbackTokenHandler",
      "createCallbackTokenVerifier",
      "createMemoryEventStore",
      "isKnownCallbackEvent",
      "parseCallbackEvent",
    ]);
    for (const name of names) {
      expect(rootEntry[name as keyof typeof rootEntry], name).toBe(eventsEntry[name as keyof typeof eventsEntry]);
    }
  });

  it("bundles without openapi-fetch or the operation table, which the client entry pulls in", async () => {
    const heavy = /node_modules\/openapi-fetch\/|generated\/operations\.ts/;
    const events = await bundledModules('export * from "./src/events/index.ts";', "neutral");
    expect(events).toContain("generated/events.ts");
    expect(events.filter((path) => heavy.test(path))).toEqual([]);
    // The same measurement does see them behind createConnectClient, so their absence above means something.
    const client = await bundledModules('export { createConnectClient } from "./src/index.ts";', "neutral");
    expect(client.filter((path) => heavy.test(path))).toHaveLength(2);
  });
});
