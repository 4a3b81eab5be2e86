/**
 * npm run spec:report: what the spec holds, from generated/openapi.json: operations per API area,
 * deprecated operations, uses, fields and parameters, operations whose schemas are incomplete
 * (`x-incomplete`), facts below the top trust grade (`x-source-trust`), examples, and every
 * constraint of the request schemas beyond type, required and enum with its source.
 */
import { readFileSync } from "node:fs";
import { bundledSpec } from "./lib/paths.ts";
import { describePointer, requestConstraints, sourceProblem } from "./lib/constraints.ts";
import { deref, listOperations, operationScopes, type OpenApiDocument, type OperationObject } from "./lib/spec.ts";

const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
type Node = Record<string, unknown>;

/** Names of every `x-incomplete` node reachable from `node` (following $refs once each). */
function incompleteParts(node: unknown, seen = new Set<unknown>(), path = ""): string[] {
  const out: string[] = [];
  const walk = (value: unknown, where: string): void => {
    if (!value || typeof value !== "object") return;
    const record = value as Node;
    if (typeof record.$ref === "string") {
      const name = record.$ref.split("/").pop()!;
      const target = deref(spec, record);
      if (seen.has(target)) return;
      seen.add(target);
      walk(target, name);
      return;
    }
    if (record["x-incomplete"] === true) out.push(where || "(inline)");
    for (const [key, child] of Object.entries(record)) {
      if (key === "examples" || key === "example") continue;
      walk(child, where);
    }
  };
  walk(node, path);
  return [...new Set(out)];
}

function pad(text: string | number, width: number): string {
  return String(text).padEnd(width);
}

const operations = listOperations(spec);
const tagToGroup = new Map<string, string>();
for (const group of (spec["x-tagGroups"] as { name: string; tags: string[] }[] | undefined) ?? []) {
  for (const tag of group.tags) tagToGroup.set(tag, group.name);
}

const lines: string[] = [];
const out = (text = ""): void => void lines.push(text);

out(`# ${spec.info.title} ${spec.info.version}: spec report`);
out();
out("## Operations per API area");
out();
const perArea = new Map<string, { total: number; deprecated: number; incomplete: number }>();
const incompleteOps: { id: string; parts: string[] }[] = [];
for (const { operation } of operations) {
  const area = tagToGroup.get(operation.tags?.[0] ?? "") ?? "(no tag group)";
  const row = perArea.get(area) ?? { total: 0, deprecated: 0, incomplete: 0 };
  row.total += 1;
  if (operation.deprecated) row.deprecated += 1;
  const seen = new Set<unknown>();
  const parts = [
    ...(operation["x-incomplete"] === true ? ["operation"] : []),
    ...incompleteParts(operation.requestBody, seen, "request body"),
    ...Object.entries(operation.responses ?? {})
      .filter(([status]) => /^2/.test(status))
      .flatMap(([status, response]) => incompleteParts(response, seen, `${status} response`)),
  ];
  if (parts.length > 0) {
    row.incomplete += 1;
    incompleteOps.push({ id: operation.operationId ?? "", parts });
  }
  perArea.set(area, row);
}
out(`${pad("area", 18)}${pad("operations", 12)}${pad("deprecated", 12)}incomplete`);
let totals = { total: 0, deprecated: 0, incomplete: 0 };
for (const [area, row] of perArea) {
  out(`${pad(area, 18)}${pad(row.total, 12)}${pad(row.deprecated, 12)}${row.incomplete}`);
  totals = {
    total: totals.total + row.total,
    deprecated: totals.deprecated + row.deprecated,
    incomplete: totals.incomplete + row.incomplete,
  };
}
out(`${pad("total", 18)}${pad(totals.total, 12)}${pad(totals.deprecated, 12)}${totals.incomplete}`);
out();

out("## Deprecated operations");
out();
for (const { method, path, operation } of operations.filter((o) => o.operation.deprecated)) {
  out(`- ${operation.operationId} (${method} ${path}) → ${operation["x-replaced-by"] ?? "no replacement named"}`);
}
const uses = operations.flatMap(({ operation }) =>
  ((operation["x-deprecated-uses"] as { operationId?: string; replacedBy?: string }[] | undefined) ?? []).map((use) => ({
    op: operation,
    use,
  })),
);
if (uses.length > 0) {
  out();
  out("Deprecated uses of current operations (one path, two uses):");
  for (const { op, use } of uses) out(`- ${op.operationId}: ${use.operationId ?? "(no legacy id)"} → ${use.replacedBy ?? "?"}`);
}
out();

out("## Deprecated fields, variants and parameters");
out();
const deprecatedFields: string[] = [];
const walkDeprecated = (node: unknown, where: string): void => {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const child = item as Node | undefined;
      if (child && typeof child === "object" && child.deprecated === true && !("in" in child)) {
        const title =
          typeof child.title === "string" ? child.title : typeof child.$ref === "string" ? child.$ref.split("/").pop() : `variant ${i + 1}`;
        deprecatedFields.push(
          `${where} variant ${title}${typeof child["x-replaced-by"] === "string" ? ` → ${child["x-replaced-by"]}` : ""}`,
        );
      }
      walkDeprecated(item, `${where}[${i}]`);
    });
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Node;
  for (const [key, value] of Object.entries(record)) {
    if (key === "examples" || key === "example") continue;
    const child = value as Node | undefined;
    if (child && typeof child === "object" && child.deprecated === true && !("operationId" in child)) {
      const name = typeof child.name === "string" ? `${where} parameter ${child.name}` : `${where}.${key}`;
      deprecatedFields.push(`${name}${typeof child["x-replaced-by"] === "string" ? ` → ${child["x-replaced-by"]}` : ""}`);
    }
    walkDeprecated(value, key === "properties" ? where : `${where}.${key}`);
  }
};
for (const [name, schema] of Object.entries((spec.components?.schemas ?? {}) as Node)) walkDeprecated({ [name]: schema }, "#");
for (const { operation } of operations) walkDeprecated(operation.parameters ?? [], operation.operationId ?? "");
for (const field of [...new Set(deprecatedFields)].sort()) out(`- ${field.replace(/^#\./, "")}`);
out();

out(`## Operations with incomplete schemas (${incompleteOps.length} of ${operations.length})`);
out();
out("An operation is listed when it, its request body or its success response reaches an `x-incomplete` part.");
for (const { id, parts } of incompleteOps) out(`- ${id}: ${parts.join(", ")}`);
out();

const webhooks = Object.entries(spec.webhooks ?? {});
if (webhooks.length > 0) {
  out(`## Event callbacks (${webhooks.length})`);
  out();
  for (const [name, item] of webhooks) {
    const op = (item as Node).post as OperationObject | undefined;
    const parts = incompleteParts(op?.requestBody);
    out(`- ${name}${parts.length ? ` (incomplete: ${parts.join(", ")})` : " (complete)"}`);
  }
  out();
}

out("## Trust");
out();
const trust = new Map<string, number>();
const walkTrust = (node: unknown): void => {
  if (Array.isArray(node)) {
    for (const item of node) walkTrust(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === "x-source-trust") trust.set(String(value), (trust.get(String(value)) ?? 0) + 1);
    else walkTrust(value);
  }
};
walkTrust(spec);
out(
  [...trust.entries()]
    .sort()
    .map(([grade, n]) => `${grade}: ${n}`)
    .join(", ") || "every fact grade A",
);
out();

out("## Examples");
out();
const count = { request: 0, success: 0, error: 0, parameter: 0, schema: 0 };
const walkExamples = (node: unknown, kind: "request" | "success" | "error" | "other"): void => {
  if (Array.isArray(node)) {
    for (const item of node) walkExamples(item, kind);
    return;
  }
  if (!node || typeof node !== "object") return;
  const record = node as Node;
  if (record.schema && typeof record.schema === "object") {
    const n =
      (record.examples && typeof record.examples === "object" ? Object.keys(record.examples).length : 0) + ("example" in record ? 1 : 0);
    if ("in" in record) count.parameter += n;
    else if (kind === "request") count.request += n;
    else if (kind === "success") count.success += n;
    else if (kind === "error") count.error += n;
  }
  if (Array.isArray(record.examples) && ("type" in record || "properties" in record)) count.schema += record.examples.length;
  for (const [key, value] of Object.entries(record)) {
    if (key === "examples" || key === "example") continue;
    const next = key === "requestBody" ? "request" : /^2\d\d$/.test(key) ? "success" : /^[45]\d\d$/.test(key) ? "error" : kind;
    walkExamples(value, next);
  }
};
walkExamples(spec.paths, "other");
walkExamples(spec.webhooks, "other");
walkExamples(spec.components, "other");
out(
  `request bodies: ${count.request}, success responses: ${count.success}, error responses: ${count.error}, parameters: ${count.parameter}, schema values: ${count.schema}`,
);
out(
  `operations with a success example: ${operations.filter(({ operation }) => Object.entries(operation.responses ?? {}).some(([s, r]) => /^2/.test(s) && JSON.stringify(deref(spec, r)).includes('"example'))).length} of ${operations.length}`,
);
out(`scopes used: ${[...new Set(operations.flatMap(({ operation }) => operationScopes(spec, operation)))].sort().join(", ")}`);

out();

const constraints = requestConstraints(spec);
out(`## Request constraints beyond type, required and enum (${constraints.length})`);
out();
out("Each with its source: the complete docs table of a closed object (`x-complete-table`), or the");
out("docs sentence of any other rule (`x-source`). The spec is never stricter than the docs.");
out();
out("| constraint | where | source |");
out("|---|---|---|");
const cell = (text: string): string => text.replace(/\s+/g, " ").replace(/\|/g, "\\|");
for (const constraint of constraints) {
  const rule = constraint.keyword === "closed" ? "closed object" : `${constraint.keyword}: ${JSON.stringify(constraint.value)}`;
  const problem = sourceProblem(constraint);
  const source = problem ? `**missing**: ${problem}` : (constraint.source ?? "");
  out(`| ${cell(rule.length > 60 ? `${rule.slice(0, 57)}...` : rule)} | ${cell(describePointer(constraint.where))} | ${cell(source)} |`);
}

console.log(lines.join("\n"));
