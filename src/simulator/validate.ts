/**
 * The contract: the bundled OpenAPI document, compiled once per process. openapi-backend routes by
 * path and method and validates requests (parameters with type coercion, bodies) with Ajv and
 * ajv-formats; answers and event payloads are checked with Ajv against the document's own schemas
 * (schemas.ts). Nothing here is written by hand from the docs: operations, scopes, grant types,
 * webhooks and their `event_name`s, and example answers are all read from the document.
 */
import type { Ajv, ErrorObject } from "ajv";
import formats from "ajv-formats";
import { OpenAPIBackend, type Operation } from "openapi-backend";
import { createDocumentSchemas } from "./schemas.js";
import { locateSpec, readSpec } from "./spec-file.js";

export type ValidationIssue = ErrorObject;

/** What the simulator needs to know about one operation of the spec. */
export interface OperationInfo {
  readonly operationId: string;
  /** Upper-case HTTP method. */
  readonly method: string;
  /** The path as the spec writes it, e.g. `/v2/fulfillment/users/{user_id}`. */
  readonly path: string;
  /** The scopes its `security` requires (`[]`: any token); `undefined`: no token at all (OAuth endpoints). */
  readonly scopes: readonly string[] | undefined;
  /** Its `x-grant-types`: the grants whose tokens may call it. */
  readonly grants: readonly string[];
  /** Whether it takes a JSON request body. */
  readonly takesBody: boolean;
  readonly deprecated: boolean;
}

/** A webhook (event callback) of the spec. */
export interface WebhookInfo {
  /** The key under `webhooks`, e.g. `brand-new`. */
  readonly key: string;
  /** Its `event_name` when the spec fixes one (`const`); undefined when the docs keep it private. */
  readonly eventName: string | undefined;
  /** The `summary` (display name), e.g. `Brand new`. */
  readonly title: string;
}

export interface RequestToValidate {
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}

export interface Contract {
  readonly operations: ReadonlyMap<string, OperationInfo>;
  readonly webhooks: ReadonlyMap<string, WebhookInfo>;
  /** Every scope the spec's OAuth scheme declares. */
  readonly scopes: readonly string[];
  /** The operation a method and path name, or undefined. */
  match(method: string, path: string): OperationInfo | undefined;
  /** Validates parameters and body; returns the problems and the path parameters (typed as the spec says). */
  validateRequest(operationId: string, request: RequestToValidate): { issues: ValidationIssue[]; params: Record<string, unknown> };
  /** Problems of a response body for `status` (empty when it matches the spec). */
  validateResponse(operationId: string, status: number, body: unknown): string[];
  /** Problems of an event payload against its webhook's schema. */
  validateEvent(webhook: string, payload: unknown): string[];
  /** The spec's example answer of an operation (its 200 response). */
  example(operationId: string): unknown;
}

type BackendOptions = ConstructorParameters<typeof OpenAPIBackend>[0];
type AnyOperation = Operation & { "x-grant-types"?: unknown; security?: Record<string, string[]>[] };
type Schema = Record<string, unknown>;

function operationInfo(operation: AnyOperation): OperationInfo {
  const security = operation.security ?? [];
  const oauth = security.find((entry) => "connectOAuth" in entry);
  const grants = Array.isArray(operation["x-grant-types"]) ? operation["x-grant-types"].map(String) : [];
  return {
    operationId: operation.operationId ?? "",
    method: operation.method.toUpperCase(),
    path: operation.path,
    scopes: oauth ? oauth.connectOAuth : undefined,
    grants,
    takesBody: operation.requestBody !== undefined,
    deprecated: operation.deprecated === true,
  };
}

/** The `const` of `event_name` in a (dereferenced) payload schema, through `allOf`. */
export function constEventName(schema: Schema | undefined): string | undefined {
  if (!schema) return undefined;
  const property = (schema.properties as Record<string, Schema> | undefined)?.event_name;
  if (typeof property?.const === "string") return property.const;
  if (Array.isArray(property?.enum) && property.enum.length === 1 && typeof property.enum[0] === "string") return property.enum[0];
  for (const part of (schema.allOf as Schema[] | undefined) ?? []) {
    const name = constEventName(part);
    if (name !== undefined) return name;
  }
  return undefined;
}

/** The JSON payload of each webhook (the retailer's token request is a form, not an event). */
function webhookSchemas(document: Schema): Map<string, { schema: Schema; title: string }> {
  const result = new Map<string, { schema: Schema; title: string }>();
  for (const [key, item] of Object.entries((document.webhooks as Record<string, Schema> | undefined) ?? {})) {
    const post = item.post as Schema | undefined;
    const content = (post?.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined;
    const schema = content?.["application/json"]?.schema as Schema | undefined;
    if (schema) result.set(key, { schema, title: typeof post?.summary === "string" ? post.summary : key });
  }
  return result;
}

function declaredScopes(document: Schema): string[] {
  const oauthScheme = ((document.components as Schema).securitySchemes as Record<string, Schema>).connectOAuth as Schema;
  const flows = Object.values((oauthScheme.flows as Record<string, Schema>) ?? {});
  return [...new Set(flows.flatMap((flow) => Object.keys((flow.scopes as Schema) ?? {})))];
}

/** Routing and request validation: openapi-backend over the dereferenced document. */
async function requestBackend(document: Schema): Promise<OpenAPIBackend> {
  // One Ajv per validation context (request body, parameters…), not one per validator: creating an
  // Ajv and adding the formats is most of the cost of compiling a validator.
  const ajvs = new Map<string, Ajv>();
  const api = new OpenAPIBackend({
    definition: document as unknown as BackendOptions["definition"],
    quick: true, // lazy validators (only the operations used are compiled), and it accepts OpenAPI 3.1
    validate: true,
    coerceTypes: true, // path, query and header values are strings on the wire
    ajvOpts: { allErrors: true, strict: false },
    customizeAjv: (ajv, _options, context) => {
      const shared = ajvs.get(context) ?? formats.default(ajv);
      ajvs.set(context, shared);
      return shared;
    },
  });
  return api.init();
}

async function compile(specPath: string): Promise<Contract> {
  const raw = readSpec(specPath);
  const api = await requestBackend(structuredClone(raw));
  const schemas = createDocumentSchemas(raw);
  const document = api.definition as unknown as Schema;
  const infos = api.getOperations().map((operation) => operationInfo(operation as AnyOperation));
  const operations = new Map(infos.filter((info) => info.operationId !== "").map((info) => [info.operationId, info]));
  const webhooks = new Map(
    [...webhookSchemas(document)].map(([key, { schema, title }]): [string, WebhookInfo] => [
      key,
      { key, title, eventName: constEventName(schema) },
    ]),
  );
  const scopes = declaredScopes(document);

  return {
    operations,
    webhooks,
    scopes,
    match(method, path) {
      const operation = api.matchOperation({ method: method.toLowerCase(), path, headers: {} });
      return operation?.operationId ? operations.get(operation.operationId) : undefined;
    },
    validateRequest(operationId, request) {
      const result = api.validateRequest({ ...request, method: request.method.toLowerCase() }, operationId);
      // With coerceTypes, a valid request's path parameters come back as the spec types them.
      const coerced = result.coerced as { params?: Record<string, unknown> } | undefined;
      return { issues: result.errors ?? [], params: coerced?.params ?? {} };
    },
    validateResponse(operationId, status, body) {
      const operation = operations.get(operationId);
      const location = operation && schemas.responseSchema(operation.path, operation.method, status);
      return location === undefined ? [] : schemas.check(location, body);
    },
    validateEvent(webhook, payload) {
      if (!webhooks.has(webhook)) return [`the spec has no webhook "${webhook}"`];
      return schemas.check(["webhooks", webhook, "post", "requestBody", "content", "application/json", "schema"], payload);
    },
    example(operationId) {
      return api.mockResponseForOperation(operationId).mock as unknown;
    },
  };
}

/**
 * The compiled contract of a spec file, shared by every simulator of the process: compiling is the
 * slow part (tens of milliseconds per operation), and the result never changes.
 */
const compiled = new Map<string, Promise<Contract>>();

export function loadContract(specPath: string = locateSpec()): Promise<Contract> {
  let contract = compiled.get(specPath);
  if (contract === undefined) {
    contract = compile(specPath);
    compiled.set(specPath, contract);
    contract.catch(() => compiled.delete(specPath));
  }
  return contract;
}
