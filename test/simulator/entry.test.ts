/**
 * `instacart-connect/simulator` is its own module graph, covers every operation of the spec, and
 * answers the operations with no state to keep with the spec's examples (validated like the rest).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import { bundledModules } from "../support/bundled-modules.ts";
import { userAssertion } from "../../src/index.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import { specCandidates } from "../../src/simulator/spec-file.ts";

const SIMULATOR_ONLY = /src\/simulator\/|node_modules\/(openapi-backend|ajv|ajv-formats)\//;

describe("the simulator entry", () => {
  it("is never loaded by the package root: no simulator module, openapi-backend or Ajv in the root's bundle", async () => {
    const rootInputs = await bundledModules('export * from "./src/index.ts";', "node");
    expect(rootInputs.filter((path) => SIMULATOR_ONLY.test(path))).toEqual([]);
    // The same measurement finds them behind the simulator entry, so their absence above means something.
    const simulatorInputs = await bundledModules('export * from "./src/simulator/index.ts";', "node");
    expect(simulatorInputs.some((path) => path.startsWith("node_modules/openapi-backend/"))).toBe(true);
    expect(simulatorInputs.some((path) => path.startsWith("node_modules/ajv/"))).toBe(true);
    expect(simulatorInputs).toContain("src/simulator/index.ts");
  }, 60_000);

  it("finds the bundled spec in the repository and in the installed package's layout", () => {
    expect(specCandidates("/repo/src/simulator")).toEqual(["/repo/generated/openapi.json", "/openapi.json"]);
    expect(specCandidates("/app/node_modules/instacart-connect/dist/esm/src/simulator")[1]).toBe(
      "/app/node_modules/instacart-connect/dist/openapi.json",
    );
    expect(specCandidates("/app/node_modules/instacart-connect/dist/cjs/src/simulator")[1]).toBe(
      "/app/node_modules/instacart-connect/dist/openapi.json",
    );
  });
});

interface SpecOperation {
  operationId: string;
  parameters?: { name?: string; in?: string; example?: unknown; $ref?: string }[];
  requestBody?: { content?: Record<string, { examples?: Record<string, { value: unknown }> }> };
  "x-grant-types"?: string[];
}

describe("operations answered from the spec's examples", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await createSimulator({ listen: false, clock: { frozen: true } });
  });
  afterAll(() => sim.close());

  it("are exactly the ones with no state to keep; every other operation has a stateful handler", () => {
    const examples = sim.operations.filter((operation) => operation.answer === "example").map((operation) => operation.operationId);
    expect(examples.sort()).toEqual(
      [
        "findComplementaryItemsBackend",
        "findComplementaryItemsForOrderBackend",
        "findComplementaryItemsForOrderFrontend",
        "findComplementaryItemsFrontend",
        "findReplacementItemsBackend",
        "findReplacementItemsForOrderBackend",
        "findReplacementItemsForOrderFrontend",
        "findReplacementItemsFrontend",
        "sendPosTransaction",
        "submitCatalogItems",
        "submitCatalogProducts",
        "validateItems",
      ].sort(),
    );
    expect(sim.operations.length).toBeGreaterThan(70);
  });

  it("answer each of their documented request examples with the spec's example, valid against the spec", async () => {
    const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as { paths: Record<string, Record<string, SpecOperation>> };
    const examples = new Set(
      sim.operations.filter((operation) => operation.answer === "example").map((operation) => operation.operationId),
    );
    const tokenFor = async (operation: SpecOperation): Promise<string> => {
      const user = operation["x-grant-types"]?.includes("client_credentials") === false;
      const grant = user
        ? { grant_type: "fulfillment_user_assertion", assertion: userAssertion("u-1") }
        : { grant_type: "client_credentials" };
      const response = await sim.fetch(`${sim.url}/v2/oauth/token`, {
        method: "POST",
        body: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret, ...grant }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const answered: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!examples.has(operation.operationId)) continue;
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "user_id" ? "u-1" : "o-1"));
        const token = await tokenFor(operation);
        for (const [name, example] of Object.entries(operation.requestBody?.content?.["application/json"]?.examples ?? {})) {
          const response = await sim.fetch(`${sim.url}${url}`, {
            method: method.toUpperCase(),
            headers: { authorization: `Bearer ${token}` },
            body: JSON.stringify(example.value),
          });
          answered.push(`${operation.operationId}/${name} ${response.status}`);
        }
      }
    }
    expect(answered.length).toBeGreaterThanOrEqual(examples.size);
    expect(answered.filter((line) => !line.endsWith(" 200"))).toEqual([]);
    expect(sim.violations).toEqual([]);
  });
});
