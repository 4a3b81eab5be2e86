/** The parts of an OpenAPI 3.1 document that the scripts read. */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  deprecated?: boolean;
  security?: SecurityRequirement[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
  externalDocs?: { url: string; description?: string };
  "x-grant-types"?: string[];
  "x-replaced-by"?: string;
  "x-incomplete"?: boolean;
  [extension: `x-${string}`]: unknown;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  servers?: { url: string; description?: string; "x-server-name"?: string }[];
  security?: SecurityRequirement[];
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  webhooks?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface OperationEntry {
  method: Uppercase<(typeof HTTP_METHODS)[number]>;
  path: string;
  operation: OperationObject;
}

/** Every operation of `paths`, in document order. */
export function listOperations(spec: OpenApiDocument): OperationEntry[] {
  const out: OperationEntry[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (operation) out.push({ method: method.toUpperCase() as OperationEntry["method"], path, operation });
    }
  }
  return out;
}

/** The scopes an operation's token needs (empty when it needs a token without a scope). */
export function operationScopes(spec: OpenApiDocument, operation: OperationObject): string[] {
  const security = operation.security ?? spec.security ?? [];
  const scopes = new Set<string>();
  for (const requirement of security) {
    for (const list of Object.values(requirement)) for (const scope of list) scopes.add(scope);
  }
  return [...scopes];
}

/** Whether an operation sends a bearer token at all. */
export function operationNeedsToken(spec: OpenApiDocument, operation: OperationObject): boolean {
  const security = operation.security ?? spec.security ?? [];
  return security.some((requirement) => Object.keys(requirement).length > 0);
}

/** Follows a local `$ref` (`#/components/...`) of the bundled spec; other values pass through. */
export function deref<T>(spec: OpenApiDocument, value: T): T {
  let current: unknown = value;
  for (let depth = 0; depth < 20; depth++) {
    const ref = (current as { $ref?: unknown } | null)?.$ref;
    if (typeof ref !== "string") return current as T;
    if (!ref.startsWith("#/")) throw new Error(`cannot follow the non-local $ref ${ref}`);
    let target: unknown = spec;
    for (const part of ref.slice(2).split("/")) {
      const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
      target = (target as Record<string, unknown> | undefined)?.[key];
    }
    if (target === undefined) throw new Error(`$ref ${ref} points nowhere`);
    current = target;
  }
  throw new Error("$ref chain too deep");
}
