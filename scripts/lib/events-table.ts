import type { OpenApiDocument, OperationObject } from "./spec.ts";

/**
 * The source of generated/events.ts: the event callbacks of the spec's `webhooks`, as
 *
 * - types: one per event schema, from generated/schema.ts with every `int64` field as an exact
 *   decimal string, and the union of the events whose `event_name` is a known constant, which
 *   discriminates on `event_name`;
 * - a small runtime table for `parseCallbackEvent`: the envelope's rule and, per known
 *   `event_name`, the rule of its payload (types, required fields, constants), shipped in the
 *   events module only.
 *
 * Events whose `event_name` the docs do not make public (an open string in the spec) get a type but
 * no runtime rule: at run time they are unknown events.
 *
 * Fields known only from third-party code (`x-source-trust: D` or `E` on the field or on the schema
 * it refers to) are typed but not checked at run time: a wrong guess about their shape must not
 * make a receiver refuse the events Instacart sends.
 */

/** The schema every event callback extends (`allOf`): the envelope. */
export const ENVELOPE_SCHEMA = "CallbackEventEnvelope";

export type FieldType = "string" | "date-time" | "int64" | "integer" | "number" | "boolean" | "object" | "array" | "any";

/** A validation rule, as emitted into generated/events.ts (short keys keep the table small). */
export interface FieldRule {
  /** type */
  t: FieldType;
  /** required properties (objects) */
  r?: string[];
  /** properties with a rule (objects) */
  p?: Record<string, FieldRule>;
  /** constant value (strings) */
  c?: string;
  /** minimum length (strings) */
  n?: number;
  /** rule of the items (arrays) */
  i?: FieldRule;
}

type Schema = Record<string, unknown>;

interface CallbackEntry {
  key: string;
  displayName: string;
  schemaName: string;
  eventName: string | undefined;
  eventNameTrust: string | undefined;
  incomplete: boolean;
  rule: FieldRule;
  int64: Int64Map;
}

/** Where the int64 fields are: `true` at a field, a nested map for an object's fields. */
interface Int64Map {
  [field: string]: true | Int64Map;
}

function refName(ref: string): string {
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`unsupported $ref in a webhook schema: ${ref}`);
  return match[1];
}

function resolve(spec: OpenApiDocument, schema: Schema): Schema {
  let current = schema;
  const seen = new Set<string>();
  while (typeof current.$ref === "string") {
    const name = refName(current.$ref);
    if (seen.has(name)) throw new Error(`circular $ref: ${name}`);
    seen.add(name);
    const target = spec.components?.schemas?.[name];
    if (!target) throw new Error(`$ref to a missing schema: ${name}`);
    current = target as Schema;
  }
  return current;
}

/** A schema with its `$ref`s and `allOf`s merged into one object (properties merged recursively). */
interface Merged {
  type: string | undefined;
  format: string | undefined;
  constant: string | undefined;
  minLength: number | undefined;
  required: Set<string>;
  properties: Map<string, Merged>;
  items: Merged | undefined;
  /** Known only from third-party code (trust D or E): typed, not checked at run time. */
  unverified: boolean;
}

/** Trust grades whose facts are typed but never enforced by the parser. */
const UNVERIFIED_TRUST = new Set(["D", "E"]);

function merge(spec: OpenApiDocument, input: Schema, into?: Merged): Merged {
  const schema = resolve(spec, input);
  const out: Merged = into ?? {
    type: undefined,
    format: undefined,
    constant: undefined,
    minLength: undefined,
    required: new Set(),
    properties: new Map(),
    items: undefined,
    unverified: false,
  };
  if (UNVERIFIED_TRUST.has(String(input["x-source-trust"])) || UNVERIFIED_TRUST.has(String(schema["x-source-trust"]))) {
    out.unverified = true;
  }
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) merge(spec, part, out);
  for (const keyword of ["oneOf", "anyOf"]) {
    if (schema[keyword]) throw new Error(`${keyword} is not supported in event callback schemas`);
  }
  if (typeof schema.type === "string") out.type = schema.type;
  if (Array.isArray(schema.type)) throw new Error("type arrays are not supported in event callback schemas");
  if (typeof schema.format === "string") out.format = schema.format;
  if (typeof schema.const === "string") out.constant = schema.const;
  if (typeof schema.minLength === "number") out.minLength = schema.minLength;
  if (schema.items) out.items = merge(spec, schema.items as Schema, out.items);
  for (const name of (schema.required as string[] | undefined) ?? []) out.required.add(name);
  for (const [name, property] of Object.entries((schema.properties as Record<string, Schema> | undefined) ?? {})) {
    const existing = out.properties.get(name);
    out.properties.set(name, merge(spec, property, existing));
  }
  return out;
}

function fieldType(node: Merged): FieldType {
  if (node.type === "integer" && node.format === "int64") return "int64";
  if (node.type === "string" && node.format === "date-time") return "date-time";
  if (node.type === undefined) return node.properties.size > 0 ? "object" : "any";
  const known: FieldType[] = ["string", "integer", "number", "boolean", "object", "array"];
  if (!known.includes(node.type as FieldType)) throw new Error(`unsupported type in an event callback schema: ${node.type}`);
  return node.type as FieldType;
}

function toRule(node: Merged): FieldRule {
  if (node.unverified) return { t: "any" };
  const rule: FieldRule = { t: fieldType(node) };
  if (node.required.size > 0) rule.r = [...node.required];
  if (node.properties.size > 0) {
    rule.p = {};
    for (const [name, child] of node.properties) rule.p[name] = toRule(child);
  }
  if (node.constant !== undefined) rule.c = node.constant;
  if (node.minLength !== undefined && node.minLength > 0) rule.n = node.minLength;
  if (node.items) rule.i = toRule(node.items);
  return rule;
}

function int64Map(node: Merged, where: string): Int64Map {
  const map: Int64Map = {};
  for (const [name, child] of node.properties) {
    if (child.unverified && containsInt64(child)) {
      throw new Error(`${where}.${name}: an int64 field in a field of trust D or E would not be converted at run time`);
    }
    if (fieldType(child) === "int64") map[name] = true;
    else if (child.properties.size > 0) {
      const nested = int64Map(child, `${where}.${name}`);
      if (Object.keys(nested).length > 0) map[name] = nested;
    }
    if (child.items && containsInt64(child.items)) {
      throw new Error(`${where}.${name}: int64 inside arrays is not supported by the events generator yet`);
    }
  }
  return map;
}

function containsInt64(node: Merged): boolean {
  if (fieldType(node) === "int64") return true;
  if (node.items && containsInt64(node.items)) return true;
  return [...node.properties.values()].some(containsInt64);
}

/** A rule without the properties that check nothing (type `any`, no children). */
function prune(rule: FieldRule): FieldRule {
  const out: FieldRule = { ...rule };
  if (rule.p) {
    const properties: Record<string, FieldRule> = {};
    for (const [name, child] of Object.entries(rule.p)) {
      const pruned = prune(child);
      if (pruned.t !== "any" || pruned.p || pruned.r || pruned.i) properties[name] = pruned;
    }
    if (Object.keys(properties).length > 0) out.p = properties;
    else delete out.p;
  }
  if (rule.i) out.i = prune(rule.i);
  return out;
}

/**
 * The event-specific part of an event's rule: what the envelope does not already check. The
 * `event_name` constant is left out too: the parser picks the rule by that name.
 */
function withoutEnvelope(rule: FieldRule, envelope: FieldRule): FieldRule {
  const out: FieldRule = { t: rule.t };
  const required = (rule.r ?? []).filter((name) => !(envelope.r ?? []).includes(name));
  if (required.length > 0) out.r = required;
  const properties: Record<string, FieldRule> = {};
  for (const [name, child] of Object.entries(rule.p ?? {})) {
    if (name === "event_name") continue;
    if (JSON.stringify(child) !== JSON.stringify(envelope.p?.[name])) properties[name] = child;
  }
  if (Object.keys(properties).length > 0) out.p = properties;
  return prune(out);
}

/** A JSDoc comment, wrapped at 100 columns. */
function jsdoc(text: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > 96) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines.length === 1 ? `/** ${lines[0]} */` : `/**\n${lines.map((each) => ` * ${each}`).join("\n")}\n */`;
}

function int64Type(map: Int64Map): string {
  const fields = Object.entries(map).map(([name, value]) => `${JSON.stringify(name)}: ${value === true ? "true" : int64Type(value)}`);
  return `{ ${fields.join("; ")} }`;
}

function listCallbacks(spec: OpenApiDocument): CallbackEntry[] {
  const entries: CallbackEntry[] = [];
  for (const [key, item] of Object.entries(spec.webhooks ?? {})) {
    const operation = item.post as OperationObject | undefined;
    if (!operation) continue;
    const body = operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined;
    const schema = body?.content?.["application/json"]?.schema;
    if (!schema) continue; // not a JSON event (the token request is a form post)
    if (typeof schema.$ref !== "string") throw new Error(`webhook ${key}: the event schema must be a $ref to components`);
    const schemaName = refName(schema.$ref);
    const merged = merge(spec, schema);
    const nameNode = merged.properties.get("event_name");
    const nameProperty = findProperty(spec, schema, "event_name");
    entries.push({
      key,
      displayName: String(operation["x-callback-name"] ?? key),
      schemaName,
      eventName: nameNode?.constant,
      eventNameTrust: typeof nameProperty?.["x-source-trust"] === "string" ? nameProperty["x-source-trust"] : undefined,
      incomplete: operation["x-incomplete"] === true,
      rule: toRule(merged),
      int64: int64Map(merged, schemaName),
    });
  }
  return entries;
}

/** The `event_name` property schema that sets the constant (to read its trust mark). */
function findProperty(spec: OpenApiDocument, input: Schema, name: string): Schema | undefined {
  const schema = resolve(spec, input);
  let found: Schema | undefined;
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) found = findProperty(spec, part, name) ?? found;
  const own = (schema.properties as Record<string, Schema> | undefined)?.[name];
  return own ?? found;
}

export function eventsModule(spec: OpenApiDocument): string {
  const envelopeSchema = spec.components?.schemas?.[ENVELOPE_SCHEMA] as Schema | undefined;
  if (!envelopeSchema) throw new Error(`components.schemas.${ENVELOPE_SCHEMA} is missing`);
  const envelope = merge(spec, envelopeSchema);
  const envelopeRule = toRule(envelope);
  const callbacks = listCallbacks(spec);

  const known = new Map<string, CallbackEntry>();
  for (const entry of callbacks) {
    if (entry.eventName === undefined) continue;
    const other = known.get(entry.eventName);
    if (other && other.schemaName !== entry.schemaName) {
      throw new Error(`event_name ${entry.eventName} is declared by two schemas: ${other.schemaName}, ${entry.schemaName}`);
    }
    known.set(entry.eventName, entry);
  }

  const bySchema = new Map<string, CallbackEntry[]>();
  for (const entry of callbacks) bySchema.set(entry.schemaName, [...(bySchema.get(entry.schemaName) ?? []), entry]);

  const catalog = callbacks.map((entry) => {
    const name =
      entry.eventName === undefined ? "not public" : `\`${entry.eventName}\`${entry.eventNameTrust ? ` (${entry.eventNameTrust})` : ""}`;
    const payload = entry.eventName === undefined ? "unknown" : entry.incomplete ? "partial" : "complete";
    return ` * | ${entry.displayName} | ${name} | ${payload} | \`${entry.schemaName}\` |`;
  });

  const types = [...bySchema.entries()].map(([schemaName, entries]) => {
    const [entry] = entries as [CallbackEntry];
    const names = entries.map((each) => each.displayName).join(", ");
    const what = entries.length > 1 ? `The callbacks ${names}` : `The ${names} callback`;
    const where =
      entry.eventName === undefined
        ? `${entries.length > 1 ? "Their" : "Its"} \`event_name\` is not public: at run time ${entries.length > 1 ? "they are" : "it is an"} \`UnknownCallbackEvent\`${entries.length > 1 ? "s" : ""}.`
        : `\`event_name\` \`${entry.eventName}\`${entry.eventNameTrust ? ` (source trust ${entry.eventNameTrust})` : ""}.`;
    return `${jsdoc(`${what} (schema \`${schemaName}\`). ${where}`)}
export type ${schemaName} = ExactIntegers<S[${JSON.stringify(schemaName)}], ${int64Type(entry.int64)}>;`;
  });

  const knownEntries = [...known.entries()];
  const rules = knownEntries.map(
    ([name, entry]) => `  ${JSON.stringify(name)}: ${JSON.stringify(withoutEnvelope(entry.rule, envelopeRule))},`,
  );

  return `import type { components } from "./schema.js";

type S = components["schemas"];

/**
 * \`T\` with the fields marked \`true\` in \`M\` (\`int64\` in the spec) as exact decimal strings: JSON
 * numbers above 2^53 cannot be held exactly by a JavaScript number.
 */
export type ExactIntegers<T, M> = {
  [K in keyof T]: K extends keyof M ? (M[K] extends true ? string : ExactIntegers<T[K], M[K]>) : T[K];
};

/**
 * The event callbacks of the spec (\`webhooks\`):
 *
 * | callback | \`event_name\` | payload | schema |
 * |---|---|---|---|
${catalog.join("\n")}
 *
 * payload: complete = every field the docs show is modelled and nothing is said to be missing;
 * partial = the event is known but part of its payload is not public; unknown = only the envelope
 * (and \`order_id\`) is known, and the \`event_name\` is not public.
 */

${types.join("\n\n")}

/** The envelope of any event, as \`parseCallbackEvent\` returns an event whose \`event_name\` it does not know. */
export type UnknownCallbackEvent = ExactIntegers<S[${JSON.stringify(ENVELOPE_SCHEMA)}], ${int64Type(int64Map(envelope, ENVELOPE_SCHEMA))}>;

/** Every event whose \`event_name\` is known, discriminated by \`event_name\`. */
export type KnownCallbackEvent =
${knownEntries.map(([, entry]) => `  | ${entry.schemaName}`).join("\n")};

/** The known \`event_name\` values. */
export type KnownCallbackEventName = KnownCallbackEvent["event_name"];

/** The event type of each known \`event_name\`. */
export interface CallbackEventMap {
${knownEntries.map(([name, entry]) => `  ${JSON.stringify(name)}: ${entry.schemaName};`).join("\n")}
}

/**
 * A validation rule: \`t\` type (\`int64\` is returned as an exact decimal string), \`r\` required
 * properties, \`p\` properties with a rule, \`c\` constant, \`n\` minimum length.
 */
export interface CallbackFieldRule {
  readonly t: ${["string", "date-time", "int64", "integer", "number", "boolean", "object", "array", "any"].map((t) => JSON.stringify(t)).join(" | ")};
  readonly r?: readonly string[];
  readonly p?: { readonly [field: string]: CallbackFieldRule };
  readonly c?: string;
  readonly n?: number;
  readonly i?: CallbackFieldRule;
}

/** The rule of the envelope every event must pass. */
export const callbackEnvelopeRule: CallbackFieldRule = ${JSON.stringify(prune(envelopeRule))};

/** Per known \`event_name\`: the rule of what it adds to the envelope. */
export const callbackEventRules: { readonly [eventName: string]: CallbackFieldRule } = {
${rules.join("\n")}
};
`;
}
