/**
 * Every example in the spec validates against its own schema: request and response media-type
 * examples, parameter examples and schema `examples`. (Prism `--errors` and Redocly lint check them
 * too; this test names each failing example.)
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import type { OpenApiDocument } from "../../scripts/lib/spec.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
const escape = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1");

interface ExampleCase {
  where: string;
  schemaPointer: string;
  value: unknown;
}

/** Walks the document and collects (example, pointer of its schema). */
function collectExamples(): ExampleCase[] {
  const out: ExampleCase[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${pointer}/${i}`));
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    // media type or parameter objects: `schema` next to `example`/`examples`
    if (record.schema && typeof record.schema === "object") {
      if ("example" in record) out.push({ where: `${pointer}/example`, schemaPointer: `${pointer}/schema`, value: record.example });
      if (record.examples && typeof record.examples === "object" && !Array.isArray(record.examples)) {
        for (const [name, example] of Object.entries(record.examples as Record<string, { value?: unknown; $ref?: string }>)) {
          let resolved = example;
          if (typeof example.$ref === "string") {
            resolved = example.$ref
              .slice(2)
              .split("/")
              .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k.replace(/~1/g, "/").replace(/~0/g, "~")], spec) as typeof example;
          }
          if (resolved && "value" in resolved) {
            out.push({ where: `${pointer}/examples/${escape(name)}`, schemaPointer: `${pointer}/schema`, value: resolved.value });
          }
        }
      }
    }
    for (const [key, value] of Object.entries(record)) {
      if (key === "examples" && Array.isArray(value) && ("type" in record || "properties" in record || "$ref" in record)) {
        // JSON Schema `examples` (an array of values) of a schema object
        value.forEach((example, i) => out.push({ where: `${pointer}/examples/${i}`, schemaPointer: pointer, value: example }));
        continue;
      }
      visit(value, `${pointer}/${escape(key)}`);
    }
  };
  visit(spec.paths, "#/paths");
  visit(spec.webhooks, "#/webhooks");
  visit(spec.components, "#/components");
  return out;
}

const examples = collectExamples();

describe("spec examples", () => {
  it("has examples to check", () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  it("validates every example against its own schema", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
    ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
    ajv.addSchema({ ...spec, $id: "spec.json" } as object, "spec.json");
    const failures: string[] = [];
    for (const example of examples) {
      const validate = ajv.getSchema(`spec.json${example.schemaPointer}`);
      if (!validate) {
        failures.push(`${example.where}: schema ${example.schemaPointer} not found`);
        continue;
      }
      if (!validate(example.value)) {
        failures.push(`${example.where}: ${ajv.errorsText(validate.errors)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
