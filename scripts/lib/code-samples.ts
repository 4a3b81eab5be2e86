/**
 * Request samples for the rendered docs, generated from the spec (never written per operation).
 *
 * cURL, Java (Unirest), Python (http.client) and Go (net/http) come from httpsnippet, the generator
 * behind the samples on Instacart's own reference pages; the TypeScript sample (this package) is ours,
 * and test/unit/code-samples-typecheck.test.ts type-checks it. Each sample uses the operation's first
 * request example (else a body sampled from its schema by openapi-sampler, as Redoc's Payload tab
 * does), its parameters' examples, and the token the spec declares: none for the OAuth endpoints, a
 * client-credentials token for back-end operations, a user access token for front-end ones.
 */
import { type HarRequest, HTTPSnippet } from "httpsnippet";
import { sample } from "openapi-sampler";
import type { OpenApiDocument, OperationEntry } from "./spec.ts";
import { deref, operationNeedsToken, operationScopes } from "./spec.ts";

export interface CodeSample {
  /** Redoc's key for the language (also picks the highlighter). */
  lang: string;
  /** The tab's title. */
  label: string;
  source: string;
}

/** httpsnippet's target and client for each raw-HTTP language, as on Instacart's pages. */
const SNIPPET_TARGETS = {
  curl: ["shell", "curl"],
  Java: ["java", "unirest"],
  Python: ["python", "python3"],
  Go: ["go", "native"],
} as const;

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
  schema?: Record<string, unknown>;
}

interface MediaTypeObject {
  schema?: object;
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

/** The first value of an OpenAPI `examples` map (following `$ref`s). */
function firstExample(spec: OpenApiDocument, examples: MediaTypeObject["examples"]): unknown {
  const first = Object.values(examples ?? {})[0];
  return first ? deref(spec, first).value : undefined;
}

/** A value the spec documents for a parameter (its example, else its schema's example, enum, default), or undefined. */
function documentedValue(spec: OpenApiDocument, parameter: ParameterObject): unknown {
  const own = parameter.example ?? firstExample(spec, parameter.examples);
  if (own !== undefined) return own;
  const schema = parameter.schema ? deref(spec, parameter.schema) : {};
  const documented = ["example", "examples", "const", "enum", "default"].some((key) => schema[key] !== undefined);
  return documented ? sample(schema, { quiet: true }, spec) : undefined;
}

/** The operation's first request example, else a body sampled from its schema (every property, like Instacart's pages). */
function requestBody(spec: OpenApiDocument, entry: OperationEntry): unknown {
  if (!entry.operation.requestBody) return undefined;
  const body = deref(spec, entry.operation.requestBody as { content?: Record<string, MediaTypeObject> });
  const media = body.content?.["application/json"] ?? Object.values(body.content ?? {})[0];
  if (!media) return undefined;
  const example = media.example ?? firstExample(spec, media.examples);
  if (example !== undefined || !media.schema) return example;
  return sample(media.schema, { skipReadOnly: true, quiet: true }, spec);
}

/** A stand-in for a value the spec does not document: `<name>` for text, a sampled number or boolean otherwise. */
function placeholder(spec: OpenApiDocument, parameter: ParameterObject): unknown {
  const sampled = sample(parameter.schema ?? {}, { quiet: true }, spec);
  return typeof sampled === "string" ? `<${parameter.name}>` : sampled;
}

/** Every path parameter, query parameters that are required or documented, required headers. */
function parameterValues(spec: OpenApiDocument, entry: OperationEntry): Pick<SampleRequest, "pathParams" | "queryParams" | "headerParams"> {
  const pathItem = spec.paths?.[entry.path] as { parameters?: ParameterObject[] } | undefined;
  const parameters = new Map<string, ParameterObject>();
  for (const raw of [...(pathItem?.parameters ?? []), ...((entry.operation.parameters ?? []) as ParameterObject[])]) {
    const parameter = deref(spec, raw);
    parameters.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  const out: ReturnType<typeof parameterValues> = { pathParams: [], queryParams: [], headerParams: [] };
  for (const parameter of parameters.values()) {
    const documented = documentedValue(spec, parameter);
    const value = (): unknown => documented ?? placeholder(spec, parameter);
    if (parameter.in === "path") out.pathParams.push([parameter.name, value()]);
    else if (parameter.in === "query" && (parameter.required || documented !== undefined)) out.queryParams.push([parameter.name, value()]);
    else if (parameter.in === "header" && parameter.required) out.headerParams.push([parameter.name, value()]);
  }
  return out;
}

function queryString(params: [string, unknown][]): string {
  const pairs = params.flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((item) => {
      const text = typeof item === "string" ? item : JSON.stringify(item);
      return `${encodeURIComponent(name)}=${encodeURIComponent(text)}`;
    }),
  );
  return pairs.length ? `?${pairs.join("&")}` : "";
}

/** Resolves everything the samples need for one operation. */
export function sampleRequest(spec: OpenApiDocument, entry: OperationEntry): SampleRequest {
  const { method, path, operation } = entry;
  const params = parameterValues(spec, entry);
  let resolvedPath = path;
  for (const [name, value] of params.pathParams) resolvedPath = resolvedPath.replace(`{${name}}`, encodeURIComponent(String(value)));
  const grantTypes = operation["x-grant-types"] ?? [];
  const userOnly = grantTypes.length > 0 && !grantTypes.includes("client_credentials");
  return {
    method,
    template: path,
    url: `${productionOrigin(spec)}${resolvedPath}${queryString(params.queryParams)}`,
    ...params,
    body: requestBody(spec, entry),
    token: !operationNeedsToken(spec, operation) ? "none" : userOnly ? "user" : "client",
    scopes: operationScopes(spec, operation).filter(Boolean),
    grantTypes,
  };
}

// ---------------------------------------------------------------------------------------------
// cURL, Java, Python, Go: httpsnippet

/** The headers the raw-HTTP samples send, in the order of Instacart's cURL samples. */
function httpHeaders(request: SampleRequest): { name: string; value: string }[] {
  const headers = [{ name: "Accept", value: "application/json" }];
  if (request.token !== "none") {
    headers.push({ name: "Authorization", value: `Bearer ${request.token === "user" ? "<user_access_token>" : "<access_token>"}` });
  }
  if (request.body !== undefined) headers.push({ name: "Content-Type", value: "application/json" });
  for (const [name, value] of request.headerParams) headers.push({ name, value: String(value) });
  return headers;
}

/** The request as HAR, the input of httpsnippet (and of the test that sends it to the mock). */
export function harRequest(request: SampleRequest): HarRequest {
  return {
    method: request.method,
    url: request.url,
    httpVersion: "HTTP/1.1",
    headers: httpHeaders(request),
    queryString: [],
    cookies: [],
    headersSize: -1,
    bodySize: -1,
    postData:
      request.body === undefined
        ? { mimeType: "application/octet-stream" }
        : { mimeType: "application/json", text: JSON.stringify(request.body, null, 2) },
  };
}

/**
 * The four raw-HTTP samples, rendered by httpsnippet from one HAR request. httpsnippet wants a valid
 * URI, so a `<name>` path placeholder travels percent-encoded and is restored in the rendered text.
 */
export function httpSamples(request: SampleRequest): Record<keyof typeof SNIPPET_TARGETS, string> {
  const snippet = new HTTPSnippet(harRequest(request));
  const restore = (source: string): string => source.replace(/%3C([\w.-]+)%3E/g, "<$1>");
  const render = ([target, client]: readonly [string, string]): string => {
    const source = snippet.convert(target as Parameters<HTTPSnippet["convert"]>[0], client);
    if (typeof source !== "string") throw new Error(`httpsnippet rendered no ${target}/${client} sample`);
    return restore(source);
  };
  return {
    curl: render(SNIPPET_TARGETS.curl),
    Java: render(SNIPPET_TARGETS.Java),
    Python: render(SNIPPET_TARGETS.Python),
    Go: render(SNIPPET_TARGETS.Go),
  };
}

// ---------------------------------------------------------------------------------------------
// TypeScript (this package)

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** A JavaScript object literal: identifier keys unquoted, two-space indentation from `indent`. */
export function tsLiteral(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  const inner = `${indent}  `;
  const items = Array.isArray(value)
    ? value.map((item) => `${inner}${tsLiteral(item, inner)},`)
    : Object.entries(value).map(([name, item]) => `${inner}${key(name)}: ${tsLiteral(item, inner)},`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return items.length === 0 ? `${open}${close}` : `${open}\n${items.join("\n")}\n${indent}${close}`;
}

/** A one-line JavaScript literal: `{ user_id: "johnsmith6000" }`. */
export function tsInline(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(tsInline).join(", ")}]`;
  const entries = Object.entries(value).map(([name, item]) => `${key(name)}: ${tsInline(item)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

function tsParams(request: SampleRequest): string | undefined {
  const groups: Record<string, unknown> = {};
  if (request.pathParams.length) groups.path = Object.fromEntries(request.pathParams);
  if (request.queryParams.length) groups.query = Object.fromEntries(request.queryParams);
  if (request.headerParams.length) groups.header = Object.fromEntries(request.headerParams);
  return Object.keys(groups).length ? tsInline(groups) : undefined;
}

function tokenComment(request: SampleRequest): string[] {
  const scope = request.scopes.length ? `scope ${request.scopes.join(",")}` : "no scope";
  if (request.token === "user") {
    return [
      `// Token: a user access token (${request.grantTypes[0] ?? "user assertion"},`,
      `// ${scope}) for one Connect user. Run this on your`,
      "// back end: the client secret must never reach a browser.",
    ];
  }
  if (request.token === "client") return [`// Token: client credentials, ${scope}.`, "// The client gets it, caches it and reuses it."];
  return ["// The client calls this endpoint for you: it gets, caches", "// and reuses the token each operation needs."];
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
    ...tokenComment(request),
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

/** The operation's `x-codeSamples`, one per language of SAMPLE_LANGUAGES, in that order. */
export function codeSamples(spec: OpenApiDocument, entry: OperationEntry): CodeSample[] {
  const request = sampleRequest(spec, entry);
  const sources: Record<(typeof SAMPLE_LANGUAGES)[number]["lang"], string> = {
    TypeScript: typescriptSample(request),
    ...httpSamples(request),
  };
  return SAMPLE_LANGUAGES.map(({ lang, label }) => ({ lang, label, source: sources[lang] }));
}
