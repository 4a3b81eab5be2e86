/**
 * The docs' request samples: what we resolve from the spec (values, token, body), how httpsnippet
 * renders it (Instacart's own sample styles), and, for every operation of the spec, that the request
 * the samples show is one the mock started from the same spec accepts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import {
  codeSamples,
  harRequest,
  httpSamples,
  productionOrigin,
  SAMPLE_LANGUAGES,
  sampleRequest,
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
            { name: "limit", in: "query", required: true, schema: { type: "integer" } },
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
          properties: { name: { type: "string" }, count: { type: "integer" }, note: { type: "string", examples: ["at the door"] } },
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

  it("uses the production host, the path parameters' examples (path-level ones included) and a placeholder for the rest", () => {
    const request = sampleRequest(spec, entry(spec, "getOrder"));
    expect(request.url.startsWith("https://connect.instacart.com/v2/fulfillment/users/johnsmith6000/orders/%3Corder_id%3E?")).toBe(true);
    expect(request.pathParams).toEqual([
      ["user_id", "johnsmith6000"],
      ["order_id", "<order_id>"],
    ]);
  });

  it("sends query parameters that are required or have an example, and only required headers", () => {
    const request = sampleRequest(spec, entry(spec, "getOrder"));
    expect(request.queryParams).toEqual([
      ["locale", "en-US"],
      ["limit", 0],
    ]);
    expect(request.url.endsWith("?locale=en-US&limit=0")).toBe(true);
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

  it("takes the first request example, or samples every property of the schema (its examples first)", () => {
    expect(sampleRequest(spec, entry(spec, "generateAccessToken")).body).toEqual({ client_id: "id", client_secret: "it's secret" });
    expect(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")).body).toEqual({
      name: "string",
      count: 0,
      note: "at the door",
    });
    expect(sampleRequest(spec, entry(spec, "getOrder")).body).toBeUndefined();
  });

  it("refuses a spec without servers", () => {
    expect(() => productionOrigin({ ...spec, servers: [] })).toThrow("the spec lists no servers");
  });
});

describe("raw-HTTP samples (httpsnippet)", () => {
  const spec = miniSpec();
  const create = httpSamples(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")));

  it("renders cURL, Java Unirest, Python http.client and Go net/http in the style of Instacart's pages", () => {
    expect(create.curl).toBe(
      [
        "curl --request PUT \\",
        "  --url https://connect.instacart.com/v2/post_checkout/orders/order%201/pickup_delegate \\",
        "  --header 'Accept: application/json' \\",
        "  --header 'Authorization: Bearer <user_access_token>' \\",
        "  --header 'Content-Type: application/json' \\",
        `  --data '{\n  "name": "string",\n  "count": 0,\n  "note": "at the door"\n}'`,
      ].join("\n"),
    );
    expect(create.Java.split("\n")).toEqual([
      'HttpResponse<String> response = Unirest.put("https://connect.instacart.com/v2/post_checkout/orders/order%201/pickup_delegate")',
      '  .header("Accept", "application/json")',
      '  .header("Authorization", "Bearer <user_access_token>")',
      '  .header("Content-Type", "application/json")',
      '  .body("{\\n  \\"name\\": \\"string\\",\\n  \\"count\\": 0,\\n  \\"note\\": \\"at the door\\"\\n}")',
      "  .asString();",
    ]);
    expect(create.Python).toContain('conn = http.client.HTTPSConnection("connect.instacart.com")');
    expect(create.Python).toContain('conn.request("PUT", "/v2/post_checkout/orders/order%201/pickup_delegate", payload, headers)');
    expect(create.Go).toContain('req, _ := http.NewRequest("PUT", url, payload)');
    expect(create.Go).toContain('req.Header.Add("Authorization", "Bearer <user_access_token>")');
  });

  it("sends the bearer token only where the spec asks for one, and required header parameters", () => {
    expect(httpSamples(sampleRequest(spec, entry(spec, "generateAccessToken"))).curl).not.toContain("Authorization");
    const get = httpSamples(sampleRequest(spec, entry(spec, "getOrder"))).curl;
    expect(get).toContain("--header 'Authorization: Bearer <access_token>'");
    expect(get).toContain("--header 'X-Retailer-Id: banner-1'");
    expect(get).not.toContain("Content-Type");
  });

  it("shows an undocumented path value as <name> in every language, not percent-encoded", () => {
    const samples = Object.values(httpSamples(sampleRequest(spec, entry(spec, "getOrder"))));
    expect(samples).toHaveLength(4);
    for (const source of samples) {
      expect(source).toContain("/v2/fulfillment/users/johnsmith6000/orders/<order_id>");
      expect(source).not.toContain("%3C");
    }
  });

  it("quotes single quotes inside a cURL body", () => {
    expect(httpSamples(sampleRequest(spec, entry(spec, "generateAccessToken"))).curl).toContain(`"client_secret": "it'\\''s secret"`);
  });
});

describe("TypeScript samples", () => {
  const spec = miniSpec();

  it("call the typed client with the spec's path template, params and token comment", () => {
    const source = typescriptSample(sampleRequest(spec, entry(spec, "getOrder")));
    expect(source).toContain('await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {');
    expect(source).toContain(
      'params: { path: { user_id: "johnsmith6000", order_id: "<order_id>" }, query: { locale: "en-US", limit: 0 }, header: { "X-Retailer-Id": "banner-1" } },',
    );
    expect(source).toContain("// Token: client credentials, scope connect:fulfillment.");
    expect(source).not.toContain("body:");
  });

  it("use a user-bound client for front-end operations", () => {
    const source = typescriptSample(sampleRequest(spec, entry(spec, "createOrUpdatePickupDelegate")));
    expect(source).toContain("// Token: a user access token (fulfillment_user_assertion,\n// scope connect:post_checkout)");
    expect(source).toContain('const shopper = connect.forUser("johnsmith6000");');
    expect(source).toContain('  body: {\n    name: "string",\n    count: 0,\n    note: "at the door",\n  },');
  });

  it("write literals with identifier keys unquoted", () => {
    expect(tsLiteral({ user_id: "u", "meta-key": [], nested: {} })).toBe('{\n  user_id: "u",\n  "meta-key": [],\n  nested: {},\n}');
  });
});

describe("the samples of the project's spec", () => {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
  const operations = listOperations(spec);

  it("come in every language, in tab order, for every operation", () => {
    for (const operation of operations) {
      expect(codeSamples(spec, operation).map(({ lang }) => lang)).toEqual(SAMPLE_LANGUAGES.map(({ lang }) => lang));
    }
  });

  it("are requests the mock started from the spec accepts: path, query, headers, token and body", async () => {
    const origin = productionOrigin(spec);
    const refused: string[] = [];
    for (const operation of operations) {
      const har = harRequest(sampleRequest(spec, operation));
      const response = await fetch(har.url.replace(origin, inject("prismUrl")), {
        method: har.method,
        headers: har.headers.map(({ name, value }): [string, string] => [name, value]),
        ...(har.postData.text === undefined ? {} : { body: har.postData.text }),
      });
      if (!response.ok) refused.push(`${har.method} ${har.url}: ${response.status} ${response.headers.get("sl-violations") ?? ""}`);
      await response.body?.cancel();
    }
    expect(refused).toEqual([]);
  });
});
