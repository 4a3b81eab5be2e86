/**
 * Request samples for the rendered docs, generated from the spec (never written per operation):
 * TypeScript with this package, and cURL, Java, Python and Go like the samples on Instacart's
 * reference pages (raw HTTPS, `Authorization: Bearer`, a JSON body, the production host).
 *
 * Each sample uses the operation's first request example, its parameters' examples (or a readable
 * placeholder) and the token kind the spec declares: none for the OAuth endpoints, a client-credentials
 * token for back-end operations, a user access token for front-end ones (`x-grant-types`).
 */
import type { OpenApiDocument, OperationEntry } from "./spec.ts";
import { deref, operationNeedsToken, operationScopes } from "./spec.ts";

export interface CodeSample {
  /** Redoc's key for the language (also picks the highlighter). */
  lang: string;
  /** The tab's title. */
  label: string;
  source: string;
}

/**
 * The languages of the samples, in tab order (the first is the default tab). Redoc only shows
 * `x-codeSamples` whose language is listed in its `codeSamples.languages` option, so the docs
 * build passes this list to Redoc.
 */
export const SAMPLE_LANGUAGES = [
  { lang: "TypeScript", label: "TypeScript" },
  { lang: "curl", label: "cURL" },
  { lang: "Java", label: "Java" },
  { lang: "Python", label: "Python" },
  { lang: "Go", label: "Go" },
] as const;

/** Connect user ID used by front-end samples (the docs' own example user). */
export const SAMPLE_USER_ID = "johnsmith6000";

/** A concrete request, resolved from the spec: what every language renders. */
export interface SampleRequest {
  method: string;
  /** The path template, as in the spec (`/v2/fulfillment/users/{user_id}`). */
  template: string;
  /** Absolute URL with path parameters filled in and the query string appended. */
  url: string;
  origin: string;
  pathParams: [string, unknown][];
  queryParams: [string, unknown][];
  /** Header parameters the operation requires (sent by every sample). */
  headerParams: [string, unknown][];
  /** The JSON body, or undefined when the operation takes none. */
  body: unknown;
  /** "none": OAuth endpoint; "client": client-credentials token; "user": user access token. */
  token: "none" | "client" | "user";
  /** The token's scopes ("" entries excluded). */
  scopes: string[];
  grantTypes: string[];
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  example?: unknown;
  examples?: Record<string, { value?: unknown; $ref?: string }>;
  schema?: SchemaObject;
  $ref?: string;
}

interface SchemaObject {
  $ref?: string;
  type?: string | string[];
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
}

interface MediaTypeObject {
  schema?: SchemaObject;
  example?: unknown;
  examples?: Record<string, { value?: unknown; $ref?: string }>;
}

/** The production server's origin (`x-server-name: production`, else the first server). */
export function productionOrigin(spec: OpenApiDocument): string {
  const servers = spec.servers ?? [];
  const server = servers.find((s) => s["x-server-name"] === "production") ?? servers[0];
  if (!server) throw new Error("the spec lists no servers");
  return server.url.replace(/\/+$/, "");
}

const NO_VALUE = Symbol("no value");

/** A parameter's documented example: its own `example`/`examples`, else its schema's. */
function parameterExample(spec: OpenApiDocument, parameter: ParameterObject): unknown {
  if (parameter.example !== undefined) return parameter.example;
  const named = Object.values(parameter.examples ?? {})[0];
  if (named) {
    const value = deref(spec, named).value;
    if (value !== undefined) return value;
  }
  const schema = parameter.schema ? deref(spec, parameter.schema) : undefined;
  if (schema) {
    if (schema.example !== undefined) return schema.example;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    if (schema.default !== undefined) return schema.default;
  }
  return NO_VALUE;
}

function schemaType(schema: SchemaObject | undefined): string | undefined {
  if (!schema) return undefined;
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
}

/** A readable stand-in for a value the spec gives no example of. */
function placeholder(spec: OpenApiDocument, name: string, schema: SchemaObject | undefined): unknown {
  const type = schemaType(schema ? deref(spec, schema) : undefined);
  if (type === "integer" || type === "number") return 0;
  if (type === "boolean") return true;
  return `<${name}>`;
}

/**
 * A skeleton body for an operation whose request has no example: required properties (or all,
 * when none is required) with placeholder values, like the "string" bodies on Instacart's pages.
 */
export function skeleton(spec: OpenApiDocument, input: SchemaObject | undefined, depth = 0): unknown {
  if (!input || depth > 6) return {};
  const schema = deref(spec, input);
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.[0]) return skeleton(spec, variants[0], depth + 1);
  if (schema.allOf) {
    return Object.assign({}, ...schema.allOf.map((part) => skeleton(spec, part, depth + 1)));
  }
  switch (schemaType(schema) ?? (schema.properties ? "object" : undefined)) {
    case "object": {
      const properties = schema.properties ?? {};
      const names = schema.required?.length ? schema.required : Object.keys(properties);
      return Object.fromEntries(names.map((name) => [name, skeleton(spec, properties[name], depth + 1)]));
    }
    case "array":
      return [skeleton(spec, schema.items, depth + 1)];
    case "integer":
    case "number":
      return 0;
    case "boolean":
      return true;
    case "string":
      return "string";
    default:
      return {};
  }
}

/** The operation's first request example, or a skeleton when it has none. */
function requestBody(spec: OpenApiDocument, entry: OperationEntry): unknown {
  if (!entry.operation.requestBody) return undefined;
  const body = deref(spec, entry.operation.requestBody as { content?: Record<string, MediaTypeObject> });
  const media = body.content?.["application/json"] ?? Object.values(body.content ?? {})[0];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = Object.values(media.examples ?? {})[0];
  if (first) {
    const value = deref(spec, first).value;
    if (value !== undefined) return value;
  }
  return skeleton(spec, media.schema);
}

function queryValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Resolves everything the samples need for one operation. */
export function sampleRequest(spec: OpenApiDocument, entry: OperationEntry): SampleRequest {
  const { method, path, operation } = entry;
  const origin = productionOrigin(spec);
  const pathParams: [string, unknown][] = [];
  const queryParams: [string, unknown][] = [];
  const headerParams: [string, unknown][] = [];
  const pathItem = spec.paths?.[path] as { parameters?: ParameterObject[] } | undefined;
  const parameters = new Map<string, ParameterObject>();
  for (const raw of [...(pathItem?.parameters ?? []), ...((operation.parameters ?? []) as ParameterObject[])]) {
    const parameter = deref(spec, raw);
    parameters.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  for (const parameter of parameters.values()) {
    const example = parameterExample(spec, parameter);
    const value = example === NO_VALUE ? placeholder(spec, parameter.name, parameter.schema) : example;
    if (parameter.in === "path") pathParams.push([parameter.name, value]);
    else if (parameter.in === "query" && (parameter.required || example !== NO_VALUE)) queryParams.push([parameter.name, value]);
    else if (parameter.in === "header" && parameter.required) headerParams.push([parameter.name, value]);
  }

  let resolvedPath = path;
  for (const [name, value] of pathParams) {
    const text = String(value);
    resolvedPath = resolvedPath.replace(`{${name}}`, /^<.*>$/.test(text) ? text : encodeURIComponent(text));
  }
  const query = queryParams
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((item) => [name, queryValue(item)]))
    .map(([name, value]) => `${encodeURIComponent(name!)}=${encodeURIComponent(value!)}`)
    .join("&");

  const grantTypes = operation["x-grant-types"] ?? [];
  const needsToken = operationNeedsToken(spec, operation);
  const token = !needsToken ? "none" : grantTypes.length > 0 && !grantTypes.includes("client_credentials") ? "user" : "client";
  return {
    method,
    template: path,
    url: `${origin}${resolvedPath}${query ? `?${query}` : ""}`,
    origin,
    pathParams,
    queryParams,
    headerParams,
    body: requestBody(spec, entry),
    token,
    scopes: operationScopes(spec, operation).filter(Boolean),
    grantTypes,
  };
}

/** The headers the raw-HTTP samples send, in the order of Instacart's own samples. */
function httpHeaders(request: SampleRequest): [string, string][] {
  const headers: [string, string][] = [["Accept", "application/json"]];
  if (request.body !== undefined) headers.push(["Content-Type", "application/json"]);
  if (request.token !== "none") {
    headers.push(["Authorization", `Bearer ${request.token === "user" ? "<user_access_token>" : "<access_token>"}`]);
  }
  for (const [name, value] of request.headerParams) headers.push([name, String(value)]);
  return headers;
}

function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

// ---------------------------------------------------------------------------------------------
// TypeScript (this package)

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JavaScript object literal: identifier keys unquoted, two-space indentation from `indent`. */
export function tsLiteral(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${inner}${tsLiteral(item, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const lines = entries.map(([key, item]) => `${inner}${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${tsLiteral(item, inner)},`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

/** A one-line JavaScript literal: `{ user_id: "johnsmith6000" }`. */
export function tsInline(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(tsInline).join(", ")}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([key, item]) => `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: ${tsInline(item)}`).join(", ")} }`;
}

function tsParams(request: SampleRequest): string | undefined {
  const groups: Record<string, unknown> = {};
  if (request.pathParams.length) groups.path = Object.fromEntries(request.pathParams);
  if (request.queryParams.length) groups.query = Object.fromEntries(request.queryParams);
  if (request.headerParams.length) groups.header = Object.fromEntries(request.headerParams);
  return Object.keys(groups).length ? tsInline(groups) : undefined;
}

function tokenComment(request: SampleRequest): string {
  const scope = request.scopes.length ? `scope ${request.scopes.join(",")}` : "no scope";
  if (request.token === "user") {
    return [
      `// Token: a user access token (${request.grantTypes[0] ?? "user assertion"},`,
      `// ${scope}) for one Connect user. Run this on your`,
      "// back end: the client secret must never reach a browser.",
    ].join("\n");
  }
  if (request.token === "client") {
    return [`// Token: client credentials, ${scope}.`, "// The client gets it, caches it and reuses it."].join("\n");
  }
  return [
    "// The client calls this endpoint for you: it gets, caches",
    "// and reuses the token each operation needs.",
  ].join("\n");
}

export function typescriptSample(request: SampleRequest): string {
  const lines = [
    `import { createConnectClient } from "instacart-connect";`,
    "",
    "const connect = createConnectClient({",
    `  server: "production", // or "development", or your https:// URL`,
    "  clientId: process.env.INSTACART_CLIENT_ID!,",
    "  clientSecret: process.env.INSTACART_CLIENT_SECRET!,",
    "});",
    "",
    tokenComment(request),
  ];
  let receiver = "connect";
  if (request.token === "user") {
    lines.push(`const shopper = connect.forUser(${JSON.stringify(SAMPLE_USER_ID)});`);
    receiver = "shopper";
  }
  const options: string[] = [];
  const params = tsParams(request);
  if (params) options.push(`  params: ${params},`);
  if (request.body !== undefined) options.push(`  body: ${tsLiteral(request.body, "  ")},`);
  const call = `await ${receiver}.${request.method}(${JSON.stringify(request.template)}`;
  lines.push(
    options.length
      ? `const { data, error, response } = ${call}, {\n${options.join("\n")}\n});`
      : `const { data, error, response } = ${call});`,
    "if (error) console.error(response.status, error);",
    "else console.log(data);",
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// cURL, Java, Python, Go (raw HTTPS, as on Instacart's pages)

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function curlSample(request: SampleRequest): string {
  const lines = [`curl --request ${request.method}`, `  --url ${shellQuote(request.url)}`];
  for (const [name, value] of httpHeaders(request)) lines.push(`  --header ${shellQuote(`${name}: ${value}`)}`);
  if (request.body !== undefined) lines.push(`  --data ${shellQuote(prettyJson(request.body))}`);
  return lines.join(" \\\n");
}

/** A Java string literal of `text` (escaped quotes, backslashes and newlines, as on Instacart's pages). */
function javaString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** Java with Unirest, the style of Instacart's own request examples. */
export function javaSample(request: SampleRequest): string {
  const lines = [`HttpResponse<String> response = Unirest.${request.method.toLowerCase()}(${JSON.stringify(request.url)})`];
  for (const [name, value] of httpHeaders(request)) lines.push(`  .header(${JSON.stringify(name)}, ${JSON.stringify(value)})`);
  if (request.body !== undefined) lines.push(`  .body(${javaString(prettyJson(request.body))})`);
  lines.push("  .asString();");
  return lines.join("\n");
}

/** A Python literal (JSON with True/False/None), four-space indentation from `indent`. */
export function pythonLiteral(value: unknown, indent = ""): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((item) => `${inner}${pythonLiteral(item, inner)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${pythonLiteral(item, inner)},`).join("\n")}\n${indent}}`;
}

/** Python with the standard library's http.client, the style of Instacart's own request examples. */
export function pythonSample(request: SampleRequest): string {
  const url = new URL(request.url);
  const lines = ["import http.client", "", `conn = http.client.HTTPSConnection(${JSON.stringify(url.host)})`];
  if (request.body !== undefined) lines.push(`payload = ${JSON.stringify(prettyJson(request.body))}`);
  lines.push(`headers = ${pythonLiteral(Object.fromEntries(httpHeaders(request)))}`);
  const target = JSON.stringify(`${url.pathname}${url.search}`);
  lines.push(
    request.body !== undefined
      ? `conn.request(${JSON.stringify(request.method)}, ${target}, payload, headers)`
      : `conn.request(${JSON.stringify(request.method)}, ${target}, headers=headers)`,
    "res = conn.getresponse()",
    "data = res.read()",
    'print(data.decode("utf-8"))',
  );
  return lines.join("\n");
}

export function goSample(request: SampleRequest): string {
  const hasBody = request.body !== undefined;
  const json = hasBody ? prettyJson(request.body) : "";
  const lines = [
    "package main",
    "",
    "import (",
    '\t"fmt"',
    '\t"io"',
    '\t"net/http"',
    ...(hasBody ? ['\t"strings"'] : []),
    ")",
    "",
    "func main() {",
    `\turl := ${JSON.stringify(request.url)}`,
  ];
  if (hasBody) lines.push(`\tpayload := strings.NewReader(${json.includes("`") ? JSON.stringify(json) : `\`${json}\``})`);
  lines.push(`\treq, err := http.NewRequest(${JSON.stringify(request.method)}, url, ${hasBody ? "payload" : "nil"})`, "\tif err != nil {", "\t\tpanic(err)", "\t}");
  for (const [name, value] of httpHeaders(request)) lines.push(`\treq.Header.Add(${JSON.stringify(name)}, ${JSON.stringify(value)})`);
  lines.push(
    "\tres, err := http.DefaultClient.Do(req)",
    "\tif err != nil {",
    "\t\tpanic(err)",
    "\t}",
    "\tdefer res.Body.Close()",
    "\tbody, _ := io.ReadAll(res.Body)",
    "\tfmt.Println(res.Status)",
    "\tfmt.Println(string(body))",
    "}",
  );
  return lines.join("\n");
}

const RENDERERS: Record<(typeof SAMPLE_LANGUAGES)[number]["lang"], (request: SampleRequest) => string> = {
  TypeScript: typescriptSample,
  curl: curlSample,
  Java: javaSample,
  Python: pythonSample,
  Go: goSample,
};

/** The operation's `x-codeSamples`, one per language of SAMPLE_LANGUAGES, in that order. */
export function codeSamples(spec: OpenApiDocument, entry: OperationEntry): CodeSample[] {
  const request = sampleRequest(spec, entry);
  return SAMPLE_LANGUAGES.map(({ lang, label }) => ({ lang, label, source: RENDERERS[lang](request) }));
}
