/**
 * The constraints of the spec's request schemas beyond type, required and enum: lengths, patterns,
 * formats, bounds, closed objects and conditional rules. The spec is never stricter than
 * Instacart's docs, so each of them must say where it comes from:
 *
 * - a closed object (`additionalProperties: false`) names the complete docs table it reproduces in
 *   `x-complete-table` (a docs URL or a reference section);
 * - every other constraint carries `x-source` on the same schema node: a docs URL or a reference
 *   section, and the quoted sentence that states the rule.
 *
 * Request schemas are what a client sends and what a mock validates: operation request bodies and
 * parameters, and the event callbacks' bodies (what Instacart sends to the retailer's receiver).
 */
import { HTTP_METHODS, type OpenApiDocument } from "./spec.ts";

/** Keywords that restrict values beyond type, required and enum. */
export const CONSTRAINT_KEYWORDS = [
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minProperties",
  "maxProperties",
  "propertyNames",
  "dependentRequired",
  "dependentSchemas",
  "not",
  "if",
] as const;

/** Keywords whose sub-schemas are part of one rule (reported at their node, not walked into). */
const RULE_PARTS = new Set(["not", "if", "then", "else", "propertyNames", "contains", "dependentSchemas"]);

export interface RequestConstraint {
  /** The keyword (`closed` for `additionalProperties: false` or `unevaluatedProperties: false`). */
  keyword: string;
  value: unknown;
  /** JSON pointer of the schema node in the bundled document. */
  where: string;
  /** Operations (operationId) and webhooks (`webhook <key>`) whose request reaches it. */
  usedBy: string[];
  /** `x-complete-table` for closed objects, `x-source` for the rest. */
  source: string | undefined;
}

type Node = Record<string, unknown>;

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function resolvePointer(spec: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith("#/")) throw new Error(`cannot follow the non-local $ref ${ref}`);
  let target: unknown = spec;
  for (const part of ref.slice(2).split("/")) {
    target = (target as Node | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  if (target === undefined) throw new Error(`$ref ${ref} points nowhere`);
  return target;
}

/** Every request root: [pointer, node, user]. */
function requestRoots(spec: OpenApiDocument): [string, unknown, string][] {
  const roots: [string, unknown, string][] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as Node | undefined;
      if (!operation) continue;
      const id = String(operation.operationId ?? `${method.toUpperCase()} ${path}`);
      const pointer = `#/paths/${escapePointer(path)}/${method}`;
      if (operation.requestBody) roots.push([`${pointer}/requestBody`, operation.requestBody, id]);
      for (const [i, parameter] of ((operation.parameters as unknown[] | undefined) ?? []).entries()) {
        roots.push([`${pointer}/parameters/${i}`, parameter, id]);
      }
    }
  }
  for (const [key, item] of Object.entries(spec.webhooks ?? {})) {
    const operation = item.post as Node | undefined;
    if (operation?.requestBody) roots.push([`#/webhooks/${escapePointer(key)}/post/requestBody`, operation.requestBody, `webhook ${key}`]);
  }
  return roots;
}

/** Lists every constraint reachable from a request (each schema node once, with all its users). */
export function requestConstraints(spec: OpenApiDocument): RequestConstraint[] {
  const found = new Map<string, RequestConstraint>();
  const record = (node: Node, where: string, keyword: string, value: unknown, user: string): void => {
    const key = `${where} ${keyword}`;
    const existing = found.get(key);
    if (existing) {
      if (!existing.usedBy.includes(user)) existing.usedBy.push(user);
      return;
    }
    const source = keyword === "closed" ? node["x-complete-table"] : node["x-source"];
    found.set(key, { keyword, value, where, usedBy: [user], source: typeof source === "string" ? source.trim() : undefined });
  };

  const walk = (value: unknown, where: string, user: string, seen: Set<string>): void => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${where}/${i}`, user, seen);
      return;
    }
    if (!value || typeof value !== "object") return;
    const node = value as Node;
    if (typeof node.$ref === "string") {
      if (seen.has(node.$ref)) return;
      walk(resolvePointer(spec, node.$ref), node.$ref, user, new Set([...seen, node.$ref]));
      return;
    }
    for (const keyword of CONSTRAINT_KEYWORDS) if (keyword in node) record(node, where, keyword, node[keyword], user);
    if (node.additionalProperties === false) record(node, where, "closed", false, user);
    if (node.unevaluatedProperties === false) record(node, where, "closed", false, user);
    for (const [key, child] of Object.entries(node)) {
      if (key === "example" || key === "examples" || RULE_PARTS.has(key)) continue;
      if (key.startsWith("x-")) continue;
      walk(child, `${where}/${escapePointer(key)}`, user, seen);
    }
  };

  for (const [pointer, root, user] of requestRoots(spec)) walk(root, pointer, user, new Set());
  return [...found.values()].sort((a, b) => a.where.localeCompare(b.where) || a.keyword.localeCompare(b.keyword));
}

const NAMES_A_SOURCE = /https:\/\/docs\.instacart\.com\/|reference [a-z-]+\.md/;
const QUOTES = /"[^"]{3,}"|“[^”]{3,}”/;

/** Why a constraint's recorded source is not enough, or `undefined` when it is. */
export function sourceProblem(constraint: RequestConstraint): string | undefined {
  const { keyword, source } = constraint;
  if (keyword === "closed") {
    if (!source) return "a closed object without `x-complete-table` (the complete docs table it reproduces)";
    if (!NAMES_A_SOURCE.test(source)) return "`x-complete-table` names no docs page or reference section";
    return undefined;
  }
  if (!source) return `\`${keyword}\` without \`x-source\` on its schema node`;
  if (!NAMES_A_SOURCE.test(source)) return "`x-source` names no docs page or reference section";
  if (!QUOTES.test(source)) return "`x-source` quotes no sentence";
  return undefined;
}

/** Pointer segments that add nothing to a reader's name of the place. */
const QUIET_SEGMENTS = new Set(["properties", "schema", "content", "application/json"]);
const COMBINERS = new Set(["allOf", "anyOf", "oneOf"]);

/**
 * A short, readable name for a schema pointer: `OrderItem.count`, `ItemIdentifier.oneOf[1]`,
 * `POST /v2/fulfillment/users.requestBody.user_id`, `webhook staged.requestBody`.
 */
export function describePointer(pointer: string): string {
  const parts = pointer
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  const [root, first = "", second = ""] = parts;
  let name = root === "components" ? second : root === "paths" ? `${second.toUpperCase()} ${first}` : `webhook ${first}`;
  for (let i = 3; i < parts.length; i++) {
    const part = parts[i]!;
    if (QUIET_SEGMENTS.has(part)) continue;
    if (part === "items") name += "[]";
    else if (/^\d+$/.test(part) && COMBINERS.has(parts[i - 1] ?? "")) name += `[${part}]`;
    else name += `.${part}`;
  }
  return name;
}
