/** Requests the spec refuses get Instacart's own error envelope, naming the field. */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await createSimulator({ listen: false, clock: { frozen: true } });
  token = await accessToken();
});
afterAll(() => sim.close());

async function accessToken(body: Record<string, string> = {}): Promise<string> {
  const response = await sim.fetch(`${sim.url}/v2/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: sim.clientId, client_secret: sim.clientSecret, grant_type: "client_credentials", ...body }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await sim.fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

describe("request validation", () => {
  it("names the one missing field in the single-error form (code 1001)", async () => {
    const answer = await call("POST", "/v2/fulfillment/users", { user_id: "u-1" });
    expect(answer).toEqual({ status: 400, body: { error: { message: "can't be blank", code: 1001 }, meta: { key: "first_name" } } });
  });

  it("lists every wrong field in the multiple-errors form (code 9999)", async () => {
    const answer = await call("POST", "/v2/fulfillment/users", { user_id: 42, last_name: "ok", locale: 7, nickname: "x" });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        message: "There were issues with your request",
        code: 9999,
        errors: [
          { error: { message: "can't be blank", code: 1001 }, meta: { key: "first_name" } },
          { error: { message: "is not a known parameter", code: 1001 }, meta: { key: "nickname" } },
          { error: { message: "must be a string", code: 1001 }, meta: { key: "user_id" } },
          { error: { message: "must be a string", code: 1001 }, meta: { key: "locale" } },
        ],
      },
      meta: {},
    });
  });

  it("names nested fields as Instacart does (items[1].count) and reports a oneOf once", async () => {
    const answer = await call("POST", "/v2/fulfillment/users/u-1/orders/delivery", {
      order_id: "o-1",
      service_option_hold_id: 1,
      address: { address_line_1: "1 Main St", postal_code: "60601" },
      items: [
        { line_num: "1", count: 1, item: { upc: "1", sku: "x" } },
        { line_num: "2", count: -1 },
      ],
    });
    expect(answer.body).toMatchObject({
      error: {
        code: 9999,
        errors: [
          { error: { message: "is invalid", code: 1001 }, meta: { key: "items[0].item" } },
          { error: { message: "must be >= 0", code: 1001 }, meta: { key: "items[1].count" } },
        ],
      },
    });
  });

  it("checks path parameters against their types", async () => {
    const answer = await call("POST", "/v2/fulfillment/users/u-1/service_options/tomorrow/reserve");
    expect(answer).toEqual({
      status: 400,
      body: { error: { message: "must be an integer", code: 1001 }, meta: { key: "service_option_id" } },
    });
  });

  it("uses the documented wording for enums and lengths", async () => {
    expect((await call("POST", "/v2/fulfillment_sandbox/orders/o-1/callbacks", { event_name: "exploded" })).body).toEqual({
      error: { message: "is not included in the list", code: 1001 },
      meta: { key: "event_name" },
    });
  });

  it("refuses a body that is not JSON", async () => {
    expect(await call("POST", "/v2/fulfillment/users", "{oops")).toEqual({
      status: 400,
      body: { error: { message: "The body is not valid JSON", code: 1001 } },
    });
  });

  it("answers a path the spec does not have with 404 Resource not found (4000)", async () => {
    expect(await call("GET", "/v2/fulfillment/nothing-here")).toEqual({
      status: 404,
      body: { error: { message: "Resource not found", code: 4000 } },
    });
  });

  it("answers the OAuth endpoints' invalid requests with OAuth errors, not the envelope", async () => {
    const response = await sim.fetch(`${sim.url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "x" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_request",
      error_description: "client_secret can't be blank; grant_type can't be blank",
    });
  });

  it("records each request with its operationId and status, secrets redacted", () => {
    const tokenRequest = sim.requests.find((request) => request.operationId === "generateAccessToken" && request.status === 200)!;
    expect(tokenRequest.body).toMatchObject({ client_id: sim.clientId, client_secret: "[redacted]" });
    expect(tokenRequest.response).toMatchObject({ access_token: "[redacted]", token_type: "Bearer" });
    expect(JSON.stringify(sim.requests)).not.toContain(sim.clientSecret);
    expect(sim.violations).toEqual([]);
  });

  it("keeps secrets out of its logs and of util.inspect, even credentials sent in the query string", async () => {
    const refused = await sim.fetch(`${sim.url}/v2/oauth/token?client_id=${sim.clientId}&client_secret=${sim.clientSecret}`, {
      method: "POST",
      body: "{}",
    });
    expect(refused.status).toBe(403);
    expect(sim.requests.at(-1)!.path).toBe(`/v2/oauth/token?client_id=${sim.clientId}&client_secret=%5Bredacted%5D`);
    expect(JSON.stringify(sim.requests)).not.toContain(sim.clientSecret);
    expect(inspect(sim, { depth: 5 })).not.toContain(sim.clientSecret);
  });
});
