import type { OpenApiDocument } from "./spec.ts";
import { listOperations, operationNeedsToken, operationScopes } from "./spec.ts";

/**
 * The source of generated/operations.ts: for each `METHOD path` of the spec, the facts the client
 * needs at run time, as a compact tuple (the table ships in the runtime bundle):
 *
 *   [operationId, scope, grant, replacedBy?]
 *
 * - scope: the space-free, comma-joined scopes of the token ("" = a token without a scope);
 * - grant: "cc" (client credentials), "user" (user assertion token) or "" (no token at all);
 * - replacedBy: present only on deprecated operations ("" when the docs name no replacement).
 */
export function operationsModule(spec: OpenApiDocument): string {
  const rows: string[] = [];
  for (const { method, path, operation } of listOperations(spec)) {
    const id = operation.operationId;
    if (!id) throw new Error(`${method} ${path} has no operationId`);
    const grants = operation["x-grant-types"] ?? [];
    const needsToken = operationNeedsToken(spec, operation);
    if (needsToken && grants.length === 0) throw new Error(`${id} needs a token but lists no x-grant-types`);
    const grant = !needsToken ? "" : grants.includes("client_credentials") ? "cc" : "user";
    const row: (string | undefined)[] = [id, operationScopes(spec, operation).join(","), grant];
    if (operation.deprecated) row.push(operation["x-replaced-by"] ?? "");
    rows.push(`  ${JSON.stringify(`${method} ${path}`)}: ${JSON.stringify(row)},`);
  }

  const servers: string[] = [];
  for (const server of spec.servers ?? []) {
    const name = server["x-server-name"];
    if (name) servers.push(`  ${JSON.stringify(name)}: ${JSON.stringify(server.url)},`);
  }

  return `
/** [operationId, scope ("" = none), grant ("cc" | "user" | "" = no token), replacedBy (deprecated only; "" = none named)] */
export type OperationRow = readonly [id: string, scope: string, grant: "cc" | "user" | "", replacedBy?: string];

/** Every operation of the spec, by \`METHOD path\` (the path as written in the spec). */
export const operations: Readonly<Record<string, OperationRow>> = {
${rows.join("\n")}
};

/** The named servers of the spec (\`x-server-name\` → origin). */
export const servers = {
${servers.join("\n")}
} as const;

/** \`info.version\` of the spec. */
export const specVersion = ${JSON.stringify(spec.info.version)};
`.trimStart();
}
