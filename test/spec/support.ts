/**
 * Helpers of the spec tests: the bundled document, its operations by operationId, and raw
 * requests to the suite's Prism mock (started from the same document with `--errors`).
 */
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import { deref, listOperations, type OpenApiDocument, type OperationEntry } from "../../scripts/lib/spec.ts";

export type Schema = Record<string, unknown>;

export const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;

/**
 * The smallest POS transaction the docs allow: `last_four` and `transaction_timestamp` are the docs'
 * examples (reference transaction.md), the rest the spec's `minimal` example.
 */
export const DOCS_POS_TRANSACTION = {
  last_four: "7890",
  transaction_timestamp: "2022-03-09T16:37:00Z",
  id: "847473",
  store_id: "4211",
  total: 12.32,
  total_tax: 1.25,
} as const;

export function operation(operationId: string): OperationEntry {
  const found = listOperations(spec).find(({ operation }) => operation.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId} in the spec`);
  return found;
}

export function schema(name: string): Schema {
  const found = spec.components?.schemas?.[name] as Schema | undefined;
  if (!found) throw new Error(`no schema ${name} in the spec`);
  return found;
}

/** A property of a component schema, looking through `allOf` parts and following `$ref`s. */
export function property(schemaName: string, name: string): Schema {
  const search = (node: Schema): Schema | undefined => {
    const resolved = deref(spec, node);
    const own = (resolved.properties as Record<string, Schema> | undefined)?.[name];
    if (own) return own;
    for (const part of (resolved.allOf as Schema[] | undefined) ?? []) {
      const found = search(part);
      if (found) return found;
    }
    return undefined;
  };
  const found = search(schema(schemaName));
  if (!found) throw new Error(`no property ${name} in ${schemaName}`);
  return found;
}

/** The JSON request body schema of an operation (its `$ref` followed). */
export function requestSchema(operationId: string): Schema {
  const body = deref(spec, operation(operationId).operation.requestBody) as { content: Record<string, { schema: Schema }> };
  return deref(spec, body.content["application/json"]!.schema);
}

/** The name of the component schema a 200 response refers to. */
export function successSchemaName(operationId: string): string {
  const response = deref(spec, operation(operationId).operation.responses?.["200"]) as {
    content: Record<string, { schema: { $ref: string } }>;
  };
  return response.content["application/json"]!.schema.$ref.split("/").pop()!;
}

interface Parameter {
  name: string;
  in: string;
  example?: unknown;
  schema?: { type?: string; example?: unknown };
}

/** The concrete path of an operation, its path parameters filled from their examples. */
function concretePath(template: string, parameters: unknown[]): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const parameter = parameters.map((p) => deref(spec, p) as Parameter).find((p) => p.in === "path" && p.name === name);
    const value = parameter?.example ?? parameter?.schema?.example ?? (parameter?.schema?.type === "integer" ? 1 : "x");
    return encodeURIComponent(String(value));
  });
}

export interface MockAnswer {
  status: number;
  violations: string;
  deprecation: string | null;
}

/** Sends `body` as JSON to the operation on the suite's Prism mock, with a bearer token. */
export async function sendToMock(operationId: string, body: unknown): Promise<MockAnswer> {
  const { method, path, operation: op } = operation(operationId);
  const url = `${inject("prismUrl")}${concretePath(path, op.parameters ?? [])}`;
  const headers = { authorization: "Bearer spec-test-token", "content-type": "application/json", accept: "application/json" };
  const response = await fetch(url, body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) });
  await response.arrayBuffer();
  return {
    status: response.status,
    violations: response.headers.get("sl-violations") ?? "",
    deprecation: response.headers.get("deprecation"),
  };
}
