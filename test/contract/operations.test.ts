/**
 * Every operation in the spec, called through the real client against Prism started from the
 * same spec: its documented success, and for operations with a body one invalid request that the
 * mock refuses (Prism answers with the spec's own 400 and names the violation in `sl-violations`).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import { listOperations, operationScopes, type OpenApiDocument, type OperationObject } from "../../scripts/lib/spec.ts";
import { cases } from "./cases/index.ts";
import type { DeprecationInfo } from "../../src/index.ts";
import { recordingClient, runCase, templateToRegExp, type RecordedRequest } from "./harness.ts";

const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
const operations = listOperations(spec);

describe("contract coverage", () => {
  it("has a contract case for every operation in the spec, and none for operations that are not", () => {
    const specIds = operations.map(({ operation }) => operation.operationId ?? "").sort();
    expect(Object.keys(cases).sort()).toEqual(specIds);
  });

  it("has an invalid-request case for every operation with a request body", () => {
    const missing = operations
      .filter(({ operation }) => operation.requestBody && !cases[operation.operationId ?? ""]?.invalid)
      .map(({ operation }) => operation.operationId);
    expect(missing).toEqual([]);
  });
});

/** The call's token was requested with the grant and scope the spec declares for the operation. */
function expectRightToken(requests: RecordedRequest[], operation: OperationObject, user: string | undefined): void {
  const grants = operation["x-grant-types"] ?? [];
  const tokenRequests = requests.filter((r) => r.url.pathname === "/v2/oauth/token");
  if (grants.length === 0) return;
  expect(tokenRequests).toHaveLength(1);
  const body = JSON.parse(tokenRequests[0]!.body) as Record<string, string>;
  const scopes = operationScopes(spec, operation).join(",");
  expect(body.scope ?? "").toBe(scopes);
  if (grants.includes("client_credentials")) {
    expect(body.grant_type).toBe("client_credentials");
  } else {
    expect(user, "front-end operations need `user` in their contract case").toBeDefined();
    expect(body.grant_type).toBe("fulfillment_user_assertion");
    expect(JSON.parse(Buffer.from(body.assertion!, "base64").toString("utf8"))).toEqual({ user_id: user });
  }
}

/**
 * A deprecated operation warns twice, through `onDeprecation`: the spec says so, and so does the mock's
 * `Deprecation` response header. A current one does not warn.
 */
function expectDeprecationWarnings(deprecations: DeprecationInfo[], operation: OperationObject): void {
  if (!operation.deprecated) {
    expect(deprecations).toEqual([]);
    return;
  }
  const replacedBy = operation["x-replaced-by"];
  expect(deprecations.map(({ source, operationId }) => [source, operationId])).toEqual([
    ["spec", operation.operationId],
    ["header", operation.operationId],
  ]);
  expect(deprecations.map((info) => info.replacedBy)).toEqual([replacedBy, replacedBy]);
  expect(deprecations[1]?.deprecation).toBe("true");
}

describe.each(operations)("$operation.operationId ($method $path)", ({ method, path, operation }) => {
  const contract = cases[operation.operationId ?? ""];
  const pattern = templateToRegExp(path);

  // Operations without a case fail the coverage test above; those without a body have no invalid case.
  it.runIf(contract)("gets its documented success from the mock", async () => {
    const { client, requests, deprecations } = recordingClient();
    const { response, data, error } = await runCase(contract!, "ok", client);
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toBeDefined();
    const call = requests.at(-1)!;
    expect(call.method).toBe(method);
    expect(call.url.pathname).toMatch(pattern);
    expectRightToken(requests, operation, contract!.user);
    expectDeprecationWarnings(deprecations, operation);
  });

  if (!operation.requestBody) return;
  it("surfaces the mock's validation error for an invalid body", async () => {
    const { client, requests, deprecations } = recordingClient();
    const { response, data, error } = await runCase(contract!, "invalid", client);
    expect(data).toBeUndefined();
    expect(response.ok).toBe(false);
    expect(response.status).toBe(400);
    // Instacart's error envelope ({ error: { message, code }, meta }), or the OAuth form ({ error: "name" }).
    expect(error).toMatchObject({ error: expect.anything() });
    const violations = response.headers.get("sl-violations") ?? "";
    expect(violations).toContain(contract!.invalid!.violation);
    const call = requests.at(-1)!;
    expect(call.method).toBe(method);
    expect(call.url.pathname).toMatch(pattern);
    expect(deprecations.map(({ source }) => source)).toEqual(operation.deprecated ? ["spec", "header"] : []);
  });
});
