/**
 * The spec is never stricter than the docs: every constraint of a request schema beyond type,
 * required and enum (lengths, patterns, formats, bounds, closed objects, conditional rules) names
 * its source: the complete docs table of a closed object (`x-complete-table`), or the docs sentence
 * of any other rule (`x-source`).
 */
import { describe, expect, it } from "vitest";
import { describePointer, requestConstraints, sourceProblem, type RequestConstraint } from "../../scripts/lib/constraints.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec.ts";
import { spec } from "./support.ts";

const constraints = requestConstraints(spec);
const label = (c: RequestConstraint): string => `${c.keyword} at ${describePointer(c.where)}`;

describe("request constraints of generated/openapi.json", () => {
  it("finds the constraints of request bodies, parameters and event callbacks", () => {
    const kinds = new Set(constraints.map((c) => c.keyword));
    for (const kind of ["closed", "pattern", "format", "maxLength", "minimum", "not", "if"]) expect(kinds).toContain(kind);
    expect(constraints.some((c) => c.where.startsWith("#/components/parameters/"))).toBe(true);
    expect(constraints.some((c) => c.usedBy.some((user) => user.startsWith("webhook ")))).toBe(true);
  });

  it("names a source for every one of them", () => {
    const unsourced = constraints.flatMap((c) => {
      const problem = sourceProblem(c);
      return problem ? [`${label(c)}: ${problem}`] : [];
    });
    expect(unsourced).toEqual([]);
  });

  it("keeps no minLength on an optional field of an operation's request", () => {
    // D5: no page states a non-empty rule; the one minLength left (linking_token, "can't be blank") is required.
    const optional = constraints.filter((c) => c.keyword === "minLength" && c.usedBy.some((user) => !user.startsWith("webhook ")));
    expect(optional.map(label)).toEqual(["minLength at LinkInstacartAccountRequest.linking_token"]);
  });

  it("keeps no date or date-time format on an operation's request", () => {
    const formats = constraints.filter(
      (c) => c.keyword === "format" && c.value !== "int64" && c.usedBy.some((user) => !user.startsWith("webhook ")),
    );
    expect(formats.map(label)).toEqual([]);
  });
});

/** A small document with one request that breaks each rule. */
function document(body: Record<string, unknown>, components: Record<string, unknown> = {}): OpenApiDocument {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/things/{id}": {
        post: {
          operationId: "makeThing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", minLength: 1 } }],
          requestBody: { content: { "application/json": { schema: body } } },
          responses: {},
        },
      },
    },
    components: { schemas: components },
  };
}

describe("the constraint guard", () => {
  const problems = (doc: OpenApiDocument): string[] =>
    requestConstraints(doc).flatMap((c) => (sourceProblem(c) ? [`${c.keyword} ${describePointer(c.where)}`] : []));

  it("reports a constraint without x-source, in a body and in a parameter", () => {
    const doc = document({ type: "object", properties: { name: { type: "string", pattern: "^a" } } });
    expect(problems(doc)).toEqual(["minLength POST /things/{id}.parameters.0", "pattern POST /things/{id}.requestBody.name"]);
  });

  it("reports a closed object without x-complete-table, behind a $ref", () => {
    const doc = document(
      { $ref: "#/components/schemas/Thing" },
      { Thing: { type: "object", additionalProperties: false, "x-source": "https://docs.instacart.com/x" } },
    );
    expect(problems(doc)).toContain("closed Thing");
  });

  it("reports an if/then rule whose x-source quotes no sentence", () => {
    const doc = document({
      type: "object",
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema if/then, not a thenable.
      allOf: [{ "x-source": "https://docs.instacart.com/x", if: { required: ["a"] }, then: { required: ["b"] } }],
    });
    expect(problems(doc)).toEqual(["minLength POST /things/{id}.parameters.0", "if POST /things/{id}.requestBody.allOf[0]"]);
  });

  it("accepts a constraint whose x-source names the page and quotes it", () => {
    const doc = document({
      type: "object",
      "x-complete-table": "https://docs.instacart.com/x: name",
      additionalProperties: false,
      properties: { name: { type: "string", maxLength: 5, "x-source": 'https://docs.instacart.com/x: "at most 5 characters"' } },
    });
    expect(problems(doc)).toEqual(["minLength POST /things/{id}.parameters.0"]);
  });
});
