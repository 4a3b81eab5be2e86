import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  codeSamples,
  curlSample,
  goSample,
  pythonLiteral,
  sampleRequest,
  SAMPLE_LANGUAGES,
  tsLiteral,
  typescriptSample,
} from "../../scripts/lib/code-samples.ts";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument, type OperationEntry } from "../../scripts/lib/spec.ts";

/** A small spec with the shapes the samples must handle. */
function miniSpec(): OpenApiDocument {
  const ok = { "200": { description: "OK" } };
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    servers: [
      { url: "https://connect.dev.instacart.tools", "x-server-name": "development" },
      { url: "https://connect.instacart.com", "x-server-name": "production" },
    ],
    security: [{ connectOAuth: [] }],
    paths: {
      "/v2/oauth/token": {
        post: {
          operationId: "generateAccessToken",
          security: [],
          "x-grant-types": [],
          requestBody: {
            content: {
              "application/json": {
                examples: { first: { value: { client_id: "id", client_secret: "it's secret" } }, second: { value: { other: true } } },
              },
            },
          },
          responses: ok,
        },
      },
      "/v2/fulfillment/users/{user_id}/orders/{order_id}": {
        parameters: [{ $ref: "#/components/parameters/UserIdPath" }],
        get: {
          operationId: "getOrder",
          security: [{ connectOAuth: ["connect:fulfillment"] }],
          "x-grant-types": ["client_credentials"],
          parameters: [
            { name: "order_id", in: "path", required: true, schema: { type: "string" } },
            { name: "locale", in: "query", schema: { type: "string", examples: ["en-US"] } },
            { name: "page", in: "query", schema: { type: "integer" } },
            { name: "X-Retailer-Id", in: "header", required: true, schema: { type: "string" }, example: "banner-1" },
            { name: "Accept-Language", in: "header", schema: { type: "string" }, example: "fr-CA" },
          ],
          responses: ok,
        },
      },
      "/v2/post_checkout/orders/{order_id}/pickup_delegate": {
        put: {
          operationId: "createOrUpdatePickupDelegate",
          security: [{ connectOAuth: ["connect:post_checkout"] }],
          "x-grant-types": ["fulfillment_user_assertion"],
          parameters: [{ name: "order_id", in: "path", required: true, schema: { type: "string" }, example: "order 1" }],
          requestBody: {
            content: { "application/json": { schema: { $ref: "#/components/schemas/PickupDelegate" } } },
          },
          responses: ok,
        },
      },
    },
    components: {
      parameters: {
        UserIdPath: { name: "user_id", in: "path", required: true, schema: { type: "string" }, example: "johnsmith6000" },
      },
      schemas: {
        PickupDelegate: {
          type: "object",
          required: ["name", "count"],
          properties: { name: { type: "string" }, count: { type: "integer" }, note: { type: "string" } },
        },
      },
    },
  };
}

function entry(spec: OpenApiDocument, operationId: string): OperationEntry {
  const found = listOperations(spec).find(({ operation }) => operation.operationId === operationId);
  if (!found) throw new Error(`no ${operationId}`);
  return found;
}

describe("sampleRequest", () => {
  const spec = miniSpec();

  it("uses the production host and the path parameters' examples, path-level ones included", () => {
    const request = sampleRequest(spec, entry(spec, "getOrder"));
    expect(request.origin).toBe("https://connect.instacart.com");
    expect(request.url.startsWith("https://connect.instacart.com/v2/fulfillment/users/johnsmith6000/orders/<order_id>?")).toBe(true);
    expect(request.pathParams).toEqual([
      ["user_id", "johnsmith6000"],
      ["order_id", "<order_id>"],
    ]);
  });

  it("sends query parameters that are required or have an example, and only required headers", () => {
    const request = sampleRequest(spec, entry(spec, "getOrder"));
    expect(request.queryParams).toEqual([["locale", "en-US"]]);
    expect(request.url.endsWith("?locale=en-US")).toBe(true);
    expect(request.headerParams).toEqual([["X-Retailer-Id", "banner-1"]]);
  });

  it("encodes path values and picks the token kind from security and x-grant-types", () => {
    const user = sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate"));
    expect(user.url).toBe("https://connect.instacart.com/v2/post_checkout/orders/order%201/pickup_delegate");
    expect(user.token).toBe("user");
    expect(user.scopes).toEqual(["connect:post_checkout"]);
    expect(sampleRequest(spec, entry(spec, "getOrder")).token).toBe("client");
    expect(sampleRequest(spec, entry(spec, "generateAccessToken")).token).toBe("none");
  });

  it("takes the first request example, or builds a skeleton of the required fields", () => {
    expect(sampleRequest(spec, entry(spec, "generateAccessToken")).body).toEqual({ client_id: "id", client_secret: "it's secret" });
    expect(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")).body).toEqual({ name: "string", count: 0 });
    expect(sampleRequest(spec, entry(spec, "getOrder")).body).toBeUndefined();
  });
});

describe("samples per language", () => {
  const spec = miniSpec();

  it("TypeScript calls the typed client with the spec's path template, params and body", () => {
    const source = typescriptSample(sampleRequest(spec, entry(spec, "getOrder")));
    expect(source).toContain('import { createConnectClient } from "instacart-connect";');
    expect(source).toContain('await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {');
    expect(source).toContain(
      'params: { path: { user_id: "johnsmith6000", order_id: "<order_id>" }, query: { locale: "en-US" }, header: { "X-Retailer-Id": "banner-1" } },',
    );
    expect(source).toContain("// Token: client credentials, scope connect:fulfillment.");
    expect(source).not.toContain("body:");
  });

  it("TypeScript uses a user-bound client for front-end operations", () => {
    const source = typescriptSample(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")));
    expect(source).toContain("// Token: a user access token (fulfillment_user_assertion,\n// scope connect:post_checkout)");
    expect(source).toContain('const shopper = connect.forUser("johnsmith6000");');
    expect(source).toContain('await shopper.PUT("/v2/post_checkout/orders/{order_id}/pickup_delegate", {');
    expect(source).toContain('  body: {\n    name: "string",\n    count: 0,\n  },');
  });

  it("raw HTTP samples send the bearer token only where the spec asks for one", () => {
    const oauth = curlSample(sampleRequest(spec, entry(spec, "generateAccessToken")));
    expect(oauth).not.toContain("Authorization");
    const user = curlSample(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")));
    expect(user).toContain("--header 'Authorization: Bearer <user_access_token>'");
    const client = curlSample(sampleRequest(spec, entry(spec, "getOrder")));
    expect(client).toContain("--header 'Authorization: Bearer <access_token>'");
    expect(client).toContain("--header 'X-Retailer-Id: banner-1'");
    expect(client).not.toContain("Content-Type");
  });

  it("cURL quotes single quotes inside the body", () => {
    const source = curlSample(sampleRequest(spec, entry(spec, "generateAccessToken")));
    expect(source).toContain(`"client_secret": "it'\\''s secret"`);
    expect(source.startsWith("curl --request POST \\\n  --url 'https://connect.instacart.com/v2/oauth/token'")).toBe(true);
  });

  it("Go falls back to a quoted string when the JSON holds a backtick", () => {
    const request = { ...sampleRequest(spec, entry(spec, "generateAccessToken")), body: { note: "a `b`" } };
    const source = goSample(request);
    expect(source).toContain('payload := strings.NewReader("{\\n  \\"note\\": \\"a `b`\\"\\n}")');
    expect(goSample({ ...request, body: { note: "plain" } })).toContain("payload := strings.NewReader(`{");
  });

  it("literals follow each language's syntax", () => {
    expect(pythonLiteral({ a: true, b: false, c: null, d: [1, "x"] })).toBe(
      '{\n    "a": True,\n    "b": False,\n    "c": None,\n    "d": [\n        1,\n        "x",\n    ],\n}',
    );
    expect(tsLiteral({ user_id: "u", "meta-key": [], nested: {} })).toBe('{\n  user_id: "u",\n  "meta-key": [],\n  nested: {},\n}');
  });
});

describe("codeSamples over the project's spec", () => {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;

  it.each(listOperations(spec).map((operation) => [`${operation.method} ${operation.path}`, operation] as const))(
    "%s gets one sample per language, each naming its method and path",
    (_name, operation) => {
      const samples = codeSamples(spec, operation);
      expect(samples.map(({ label }) => label)).toEqual(SAMPLE_LANGUAGES.map(({ label }) => label));
      const [typescript, curl, java, python, go] = samples.map(({ source }) => source);
      const url = sampleRequest(spec, operation).url;
      expect(typescript).toContain(`.${operation.method}(${JSON.stringify(operation.path)}`);
      expect(curl).toContain(`curl --request ${operation.method}`);
      expect(curl).toContain(url);
      expect(java).toContain(`Unirest.${operation.method.toLowerCase()}(${JSON.stringify(url)})`);
      const { host, pathname, search } = new URL(url);
      expect(python).toContain(`http.client.HTTPSConnection(${JSON.stringify(host)})`);
      expect(python).toContain(`conn.request(${JSON.stringify(operation.method)}, ${JSON.stringify(pathname + search)}`);
      expect(go).toContain(`http.NewRequest(${JSON.stringify(operation.method)}, url,`);
    },
  );
});
