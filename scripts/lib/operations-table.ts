import type { OpenApiDocument, OperationObject } from "./spec.ts";
import { deref, listOperations, operationNeedsToken, operationScopes } from "./spec.ts";

/** The grants the client can obtain tokens with, named as the spec's `x-grant-types` names them, in order of preference. */
const CLIENT_GRANTS = ["client_credentials", "fulfillment_user_assertion"] as const;
type ClientGrant = (typeof CLIENT_GRANTS)[number];

/** Whether the operation's 2xx JSON body has required properties (an empty body is then a broken response). */
function successBodyRequired(spec: OpenApiDocument, operation: OperationObject): boolean {
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (!/^2\d\d$/.test(status)) continue;
    const content = deref(spec, response as { content?: Record<string, { schema?: unknown }> } | undefined)?.content;
    const schema = deref(spec, content?.["application/json"]?.schema as { required?: unknown } | undefined);
    if (Array.isArray(schema?.required) && schema.required.length > 0) return true;
  }
  return false;
}

/** The grant the client uses for an operation's token (client credentials where the spec allows it), or null: no token. */
function grantOf(spec: OpenApiDocument, operation: OperationObject, id: string): ClientGrant | null {
  if (!operationNeedsToken(spec, operation)) return null;
  const listed = operation["x-grant-types"] ?? [];
  const grant = CLIENT_GRANTS.find((name) => listed.includes(name));
  if (grant === undefined) throw new Error(`${id} needs a token but lists none of ${CLIENT_GRANTS.join(", ")} in x-grant-types`);
  return grant;
}

/** One row of the table: only the fields that hold something (a flag is present only when true). */
function operationRow(spec: OpenApiDocument, operation: OperationObject, id: string, grant: ClientGrant | null): Record<string, unknown> {
  const row: Record<string, unknown> = { operationId: id, scope: operationScopes(spec, operation).join(","), grant };
  if (operation.deprecated) {
    row.deprecated = true;
    if (typeof operation["x-replaced-by"] === "string") row.replacedBy = operation["x-replaced-by"];
  }
  if (operation["x-development-only"] === true) row.developmentOnly = true;
  if (successBodyRequired(spec, operation)) row.bodyRequired = true;
  return row;
}

/** `{ a: 1 }` with unquoted keys (every key here is an identifier). */
function objectLiteral(row: Record<string, unknown>): string {
  return `{ ${Object.entries(row)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(", ")} }`;
}

/**
 * The source of generated/operations.ts: for each `METHOD path` of the spec, the facts the client
 * needs at run time (this table ships in the runtime bundle), the paths only `forUser` clients can
 * call, and the named servers.
 */
export function operationsModule(spec: OpenApiDocument): string {
  const rows: string[] = [];
  /** The grants of each path's operations (for the paths only `forUser` clients can call). */
  const grantsByPath = new Map<string, Set<ClientGrant | null>>();
  for (const { method, path, operation } of listOperations(spec)) {
    const id = operation.operationId;
    if (!id) throw new Error(`${method} ${path} has no operationId`);
    const grant = grantOf(spec, operation, id);
    grantsByPath.set(path, (grantsByPath.get(path) ?? new Set()).add(grant));
    rows.push(`  ${JSON.stringify(`${method} ${path}`)}: ${objectLiteral(operationRow(spec, operation, id, grant))},`);
  }

  // Paths whose every operation needs a user access token: only `forUser` clients can call them.
  const userOnly = [...grantsByPath]
    .filter(([, grants]) => grants.size === 1 && grants.has("fulfillment_user_assertion"))
    .map(([path]) => path);

  const servers: string[] = [];
  for (const server of spec.servers ?? []) {
    const name = server["x-server-name"];
    if (name) servers.push(`  ${JSON.stringify(name)}: ${JSON.stringify(server.url)},`);
  }

  return `
/** A grant the client obtains tokens with, as the spec's \`x-grant-types\` names it. */
export type Grant = ${CLIENT_GRANTS.map((grant) => JSON.stringify(grant)).join(" | ")};

/** What the client needs to know of one operation at run time. */
export interface OperationFacts {
  /** The spec's operationId. */
  readonly operationId: string;
  /** The scopes of its token, comma-joined ("" = a token without a scope). */
  readonly scope: string;
  /** The grant of its token, or null when it sends no token (the OAuth endpoints). */
  readonly grant: Grant | null;
  /** Deprecated in the spec. */
  readonly deprecated?: true;
  /** The replacement the spec names for a deprecated operation. */
  readonly replacedBy?: string;
  /** Exists only on development servers (Sandbox). */
  readonly developmentOnly?: true;
  /** Its 2xx JSON body has required fields: an empty body is a broken response. */
  readonly bodyRequired?: true;
}

/** Every operation of the spec, by \`METHOD path\` (the path as written in the spec). */
export const operations: Readonly<Record<string, OperationFacts>> = {
${rows.join("\n")}
};

/** Paths whose operations all need a user access token: callable through \`forUser\` clients only. */
export type UserOnlyPath =
${userOnly.map((path) => `  | ${JSON.stringify(path)}`).join("\n") || "  never"};

/** The named servers of the spec (\`x-server-name\` → origin). */
export const servers = {
${servers.join("\n")}
} as const;

/** \`info.version\` of the spec. */
export const specVersion = ${JSON.stringify(spec.info.version)};
`.trimStart();
}
