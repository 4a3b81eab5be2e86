import type { OpenApiDocument, OperationObject } from "./spec.ts";
import { deref, listOperations, operationNeedsToken, operationScopes } from "./spec.ts";

/** Bits of an operation row's `flags`. */
export const FLAG_DEPRECATED = 1;
export const FLAG_DEVELOPMENT_ONLY = 2;
export const FLAG_BODY_REQUIRED = 4;

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

/**
 * The source of generated/operations.ts: for each `METHOD path` of the spec, the facts the client
 * needs at run time, as a compact tuple (the table ships in the runtime bundle):
 *
 *   [operationId, scope, grant, flags, replacedBy?]
 *
 * - scope: the comma-joined scopes of the token ("" = a token without a scope);
 * - grant: "cc" (client credentials), "user" (user access token) or "" (no token at all);
 * - flags: 1 = deprecated, 2 = development servers only, 4 = a 2xx body with required fields;
 * - replacedBy: the replacement the spec names for a deprecated operation (absent when none).
 */
export function operationsModule(spec: OpenApiDocument): string {
  const rows: string[] = [];
  /** The grant kinds of each path's operations (for the paths only `forUser` clients can call). */
  const grantsByPath = new Map<string, Set<string>>();
  for (const { method, path, operation } of listOperations(spec)) {
    const id = operation.operationId;
    if (!id) throw new Error(`${method} ${path} has no operationId`);
    const grants = operation["x-grant-types"] ?? [];
    const needsToken = operationNeedsToken(spec, operation);
    if (needsToken && grants.length === 0) throw new Error(`${id} needs a token but lists no x-grant-types`);
    const grant = !needsToken ? "" : grants.includes("client_credentials") ? "cc" : "user";
    grantsByPath.set(path, (grantsByPath.get(path) ?? new Set()).add(grant));
    const flags =
      (operation.deprecated ? FLAG_DEPRECATED : 0) |
      (operation["x-development-only"] === true ? FLAG_DEVELOPMENT_ONLY : 0) |
      (successBodyRequired(spec, operation) ? FLAG_BODY_REQUIRED : 0);
    const row: (string | number)[] = [id, operationScopes(spec, operation).join(","), grant, flags];
    const replacedBy = operation["x-replaced-by"];
    if (operation.deprecated && typeof replacedBy === "string") row.push(replacedBy);
    rows.push(`  ${JSON.stringify(`${method} ${path}`)}: ${JSON.stringify(row)},`);
  }

  // Paths whose every operation needs a user access token: only `forUser` clients can call them.
  const userOnly = [...grantsByPath].filter(([, kinds]) => kinds.size === 1 && kinds.has("user")).map(([path]) => path);

  const servers: string[] = [];
  for (const server of spec.servers ?? []) {
    const name = server["x-server-name"];
    if (name) servers.push(`  ${JSON.stringify(name)}: ${JSON.stringify(server.url)},`);
  }

  return `
/**
 * [operationId, scope ("" = a token without scope), grant ("cc" | "user" | "" = no token),
 *  flags (1 deprecated, 2 development servers only, 4 a 2xx body with required fields), replacedBy?]
 */
export type OperationRow = readonly [id: string, scope: string, grant: "cc" | "user" | "", flags: number, replacedBy?: string];

/** Bits of an \`OperationRow\`'s flags. */
export const FLAG_DEPRECATED = ${FLAG_DEPRECATED};
export const FLAG_DEVELOPMENT_ONLY = ${FLAG_DEVELOPMENT_ONLY};
export const FLAG_BODY_REQUIRED = ${FLAG_BODY_REQUIRED};

/** Every operation of the spec, by \`METHOD path\` (the path as written in the spec). */
export const operations: Readonly<Record<string, OperationRow>> = {
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
