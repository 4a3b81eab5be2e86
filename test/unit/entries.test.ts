/**
 * The package's two entry points: `instacart-connect` (everything) and `instacart-connect/events`
 * (the event callback side, without the API client).
 */
import { describe, expect, it } from "vitest";
import * as eventsEntry from "../../src/events-index.ts";
import * as rootEntry from "../../src/index.ts";
import { measureBundle } from "../../scripts/lib/bundle-size.ts";

describe("instacart-connect/events", () => {
  it("exports the very objects the root exports, so instanceof works across the two entries", () => {
    const names = Object.keys(eventsEntry).sort();
    expect(names).toEqual([
      "ConnectCallbackError",
      "ConnectConfigError",
      "ConnectError",
      "createCallbackHandler",
      "createCallbackTokenHandler",
      "createMemoryEventStore",
      "isKnownCallbackEvent",
      "parseCallbackEvent",
    ]);
    for (const name of names) {
      expect(rootEntry[name as keyof typeof rootEntry], name).toBe(eventsEntry[name as keyof typeof eventsEntry]);
    }
  });

  it("bundles without openapi-fetch, the client or the operation table, which the client entry pulls in", async () => {
    const heavy = /openapi-fetch|src\/(client|transport|auth)\/|generated\/operations\.ts/;
    const events = (await measureBundle('export * from "./src/events-index.ts";')).inputs.map(([path]) => path);
    expect(events).toEqual(expect.arrayContaining(["src/events.ts", "src/callback-token.ts", "generated/events.ts"]));
    expect(events.filter((path) => heavy.test(path))).toEqual([]);
    // The same measurement does see them behind createConnectClient, so their absence above means something.
    const client = (await measureBundle('export { createConnectClient } from "./src/index.ts";')).inputs.map(([path]) => path);
    expect(client.filter((path) => heavy.test(path))).toEqual(
      expect.arrayContaining([
        "generated/operations.ts",
        "node_modules/openapi-fetch/dist/index.mjs",
        "src/auth/authorize.ts",
        "src/client/client.ts",
        "src/transport/transport.ts",
      ]),
    );
  });
});
