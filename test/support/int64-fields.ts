/**
 * The response fields the spec types as 64-bit integers, read from generated/openapi.json: for each
 * operation, the JSON path of every `format: int64` field of its success body (arrays as `[0]`),
 * and a way to build that body from the spec's example with one field set to an exact big integer.
 */
import { readFileSync } from "node:fs";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import { deref, listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";

export interface Int64Field {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  /** e.g. `service_options[0].id` */
  readonly field: string;
  /** The spec's example of the success body (undefined when it has none). */
  readonly example: unknown;
}

type SchemaNode = { $ref?: string; format?: string; properties?: Record<string, SchemaNode>; items?: SchemaNode } & Partial<
  Record<"allOf" | "oneOf" | "anyOf", SchemaNode[]>
>;

function fieldsOf(spec: OpenApiDocument, node: SchemaNode, path: string, refsAbove: ReadonlySet<string>, out: string[]): void {
  let seen = refsAbove;
  if (node.$ref !== undefined) {
    // A recursive schema: stop at a reference already followed on this path.
    if (seen.has(node.$ref)) return;
    seen = new Set([...seen, node.$ref]);
  }
  const schema = deref(spec, node);
  if (schema.format === "int64") {
    out.push(path);
    return;
  }
  for (const key of ["allOf", "oneOf", "anyOf"] as const) for (const sub of schema[key] ?? []) fieldsOf(spec, sub, path, seen, out);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) fieldsOf(spec, sub, path ? `${path}.${name}` : name, seen, out);
  if (schema.items) fieldsOf(spec, schema.items, `${path}[0]`, seen, out);
}

export function int64ResponseFields(): Int64Field[] {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
  const found: Int64Field[] = [];
  for (const { method, path, operation } of listOperations(spec)) {
    type Content = Record<string, { schema?: SchemaNode; example?: unknown; examples?: Record<string, { value?: unknown }> }>;
    const success = deref(spec, operation.responses?.["200"] as { content?: Content } | undefined);
    const json = success?.content?.["application/json"];
    if (!json?.schema) continue;
    const fields: string[] = [];
    fieldsOf(spec, json.schema, "", new Set(), fields);
    const example = json.example ?? Object.values(json.examples ?? {})[0]?.value;
    for (const field of new Set(fields)) found.push({ operationId: operation.operationId!, method, path, field, example });
  }
  return found;
}

/** `body` as JSON text with `field` (a path like `a[0].b`, created where missing) set to the integer `digits`, exactly. */
export function withExactInteger(body: unknown, field: string, digits: string): string {
  const marker = "__exact_integer__";
  const root: unknown = structuredClone(body ?? {});
  const steps = field.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let holder = root as Record<string | number, unknown>;
  steps.forEach((step, i) => {
    const key = step.startsWith("[") ? Number(step.slice(1, -1)) : step;
    if (i === steps.length - 1) {
      holder[key] = marker;
      return;
    }
    const nextIsIndex = steps[i + 1]!.startsWith("[");
    const current = holder[key];
    if (typeof current !== "object" || current === null) holder[key] = nextIsIndex ? [] : {};
    holder = holder[key] as Record<string | number, unknown>;
  });
  return JSON.stringify(root).replace(`"${marker}"`, digits);
}
