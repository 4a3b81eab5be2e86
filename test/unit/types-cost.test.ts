/**
 * What the client's types cost a consumer's type-checker, against bare openapi-fetch, on the same 20
 * calls `npm run bench` checks (written from the spec's examples). TypeScript's count of type
 * instantiations is deterministic, unlike check time: the typed wrapper should add little to it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consumerCalls } from "../../scripts/lib/bench-types.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec.ts";
import { typeCheck } from "../support/typecheck.ts";

const dir = join(root, "test", "unit", "__types_cost__");

function check(name: string, source: string): { problems: string[]; instantiations: number } {
  const { errors, program } = typeCheck(new Map([[join(dir, `${name}.ts`), source]]));
  return { problems: errors, instantiations: program.getInstantiationCount() };
}

describe("type-check cost", () => {
  it("checks 20 calls with about as many type instantiations as bare openapi-fetch", () => {
    const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
    const { lines } = consumerCalls(spec);
    const body = [`export async function twentyCalls(): Promise<unknown[]> {`, ...lines, `}`, ``];
    const ours = check(
      "connect",
      [
        `import { createConnectClient } from "instacart-connect";`,
        `const connect = createConnectClient({ server: "development", clientId: "id", clientSecret: "secret" });`,
        `const shopper = connect.forUser("user-1");`,
        ...body,
      ].join("\n"),
    );
    const bare = check(
      "openapi-fetch",
      [
        `import createClient from "openapi-fetch";`,
        `import type { paths } from "instacart-connect/schema";`,
        `const connect = createClient<paths>({ baseUrl: "https://connect.dev.instacart.tools" });`,
        `const shopper = connect;`,
        ...body,
      ].join("\n"),
    );
    expect(ours.problems).toEqual([]);
    expect(bare.problems).toEqual([]);
    expect(ours.instantiations / bare.instantiations).toBeLessThan(1.15);
  }, 60_000);
});
