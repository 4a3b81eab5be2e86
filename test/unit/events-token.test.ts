/**
 * createCallbackTokenHandler behind a real node:http server on 127.0.0.1: the token request
 * Instacart sends before its callbacks, then a callback with the issued token.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { bundledSpec } from "../../scripts/lib/paths.ts";
import type { OpenApiDocument, OperationObject } from "../../scripts/lib/spec.ts";
import {
  createCallbackHandler,
  createCallbackTokenHandler,
  type CallbackEvent,
  type CallbackTokenHandlerOptions,
} from "../../src/index.ts";
import { deliver, eventBody, serve, type LocalServer } from "./callback-server.ts";

const CLIENT_ID = "instacart-callbacks";
const CLIENT_SECRET = "s3cret-for-tests";

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function tokenEndpoint(overrides: Partial<CallbackTokenHandlerOptions> = {}) {
  const requests: { scope?: string; resource?: string }[] = [];
  const server = await serve(
    createCallbackTokenHandler({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      issueToken(request) {
        requests.push(request);
        return { accessToken: `token-${requests.length}`, expiresIn: 3600 };
      },
      ...overrides,
    }),
  );
  servers.push(server);
  return { origin: server.origin, requests };
}

/** Instacart's token request: a form POST. */
async function requestToken(origin: string, fields: Record<string, string> | string, contentType?: string) {
  const body = typeof fields === "string" ? fields : new URLSearchParams(fields);
  const response = await fetch(`${origin}/oauth/token`, {
    method: "POST",
    body,
    ...(contentType ? { headers: { "content-type": contentType } } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const VALID = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: "client_credentials" };

describe("createCallbackTokenHandler", () => {
  it("answers Instacart's client-credentials form POST with access_token and expires_in", async () => {
    const { origin, requests } = await tokenEndpoint();
    const answer = await requestToken(origin, VALID);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ access_token: "token-1", token_type: "Bearer", expires_in: 3600 });
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(requests).toEqual([{}]);
  });

  it("passes the scope and resource of the request to the issuer", async () => {
    const { origin, requests } = await tokenEndpoint({ scope: "callbacks orders" });
    const answer = await requestToken(origin, { ...VALID, scope: "orders callbacks", resource: "https://retailer.example/cb" });
    expect(answer.status).toBe(200);
    expect(requests).toEqual([{ scope: "orders callbacks", resource: "https://retailer.example/cb" }]);
  });

  it.each([
    ["a wrong secret", { ...VALID, client_secret: "guess" }],
    ["a wrong client ID", { ...VALID, client_id: "someone-else" }],
    ["no credentials", { grant_type: "client_credentials" }],
  ])("refuses %s with 401 invalid_client, issuing nothing", async (_, fields) => {
    const { origin, requests } = await tokenEndpoint();
    const answer = await requestToken(origin, fields);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: "invalid_client" });
    expect(requests).toEqual([]);
  });

  it("refuses another grant type with 400 unsupported_grant_type", async () => {
    const { origin } = await tokenEndpoint();
    const answer = await requestToken(origin, { ...VALID, grant_type: "password" });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("refuses a request without grant_type with 400 invalid_request", async () => {
    const { origin } = await tokenEndpoint();
    const answer = await requestToken(origin, { client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("refuses a JSON body: the docs say Instacart sends a form", async () => {
    const { origin } = await tokenEndpoint();
    const answer = await requestToken(origin, JSON.stringify(VALID), "application/json");
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it("refuses a parameter given twice", async () => {
    const { origin } = await tokenEndpoint();
    const answer = await requestToken(
      origin,
      `client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}&grant_type=client_credentials&grant_type=client_credentials`,
      "application/x-www-form-urlencoded",
    );
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_request" } });
  });

  it.each([
    ["a missing scope", VALID],
    ["a different scope", { ...VALID, scope: "everything" }],
  ])("refuses %s when a scope is configured, with 400 invalid_scope", async (_, fields) => {
    const { origin, requests } = await tokenEndpoint({ scope: "callbacks" });
    const answer = await requestToken(origin, fields);
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_scope" } });
    expect(requests).toEqual([]);
  });

  it.each([
    ["throws", () => Promise.reject(new Error("no entropy"))],
    ["returns no token", () => ({ accessToken: "", expiresIn: 3600 })],
    ["returns a lifetime that is not a positive integer", () => ({ accessToken: "t", expiresIn: 0.5 })],
  ])("answers 500 server_error when the issuer %s", async (_, issueToken) => {
    const { origin } = await tokenEndpoint({ issueToken });
    expect(await requestToken(origin, VALID)).toMatchObject({ status: 500, body: { error: "server_error" } });
  });

  it("refuses a body larger than a token request with 413, before reading it all", async () => {
    const { origin, requests } = await tokenEndpoint();
    const { status, body } = await requestToken(origin, { ...VALID, scope: "x".repeat(20_000) });
    expect(status).toBe(413);
    expect(body.error).toBe("invalid_request");
    expect(requests).toHaveLength(0);
  });

  it("answers 405 to anything but POST", async () => {
    const { origin } = await tokenEndpoint();
    const response = await fetch(`${origin}/oauth/token`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("refuses options without client credentials", () => {
    expect(() =>
      createCallbackTokenHandler({ clientId: "", clientSecret: "x", issueToken: () => ({ accessToken: "t", expiresIn: 1 }) }),
    ).toThrow(/clientId/);
  });
});

describe("the spec's token request examples", () => {
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as OpenApiDocument;
  const operation = spec.webhooks?.["callback-access-token"]?.post as OperationObject;
  const body = operation.requestBody as { content: Record<string, { examples: Record<string, { value: Record<string, string> }> }> };
  const examples = Object.entries(body.content["application/x-www-form-urlencoded"]?.examples ?? {});

  it("documents the request as a form with examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
  });

  it.each(examples)("answers the %s example with a token", async (_, { value }) => {
    const { origin } = await tokenEndpoint({ clientId: value.client_id!, clientSecret: value.client_secret! });
    const answer = await requestToken(origin, value);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ access_token: expect.any(String), expires_in: expect.any(Number) });
  });
});

describe("token endpoint and receiver together", () => {
  it("lets Instacart get a token and post a callback with it; another token is refused", async () => {
    const issued = new Map<string, number>();
    const events: CallbackEvent[] = [];
    const tokens = createCallbackTokenHandler({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      issueToken() {
        const accessToken = `tok-${issued.size + 1}-${Math.random().toString(36).slice(2)}`;
        issued.set(accessToken, Date.now() + 60_000);
        return { accessToken, expiresIn: 60 };
      },
    });
    const callbacks = createCallbackHandler({
      authorize: (token) => (issued.get(token) ?? 0) > Date.now(),
      onEvent: (event) => {
        events.push(event);
      },
    });
    const server = await serve((request) => (new URL(request.url).pathname === "/oauth/token" ? tokens(request) : callbacks(request)));
    servers.push(server);

    const { body } = await requestToken(server.origin, VALID);
    const accessToken = String(body.access_token);
    const delivery = await deliver(server.origin, eventBody("1201895966044343904", "fulfillment.brand_new"), accessToken);
    expect(delivery.body).toEqual({ status: "processed", event_id: "1201895966044343904" });
    expect(events.map((event) => event.event_id)).toEqual(["1201895966044343904"]);

    const forged = await deliver(server.origin, eventBody("1201895966044343905", "fulfillment.brand_new"), "forged-token");
    expect(forged.status).toBe(401);
    expect(events).toHaveLength(1);
  });
});
