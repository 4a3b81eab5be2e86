/** OAuth as Instacart runs it, on the simulator's clock: grants, scopes, expiry, revocation, account linking. */
import { afterEach, describe, expect, it } from "vitest";
import { ConnectApiError, createConnectClient, unwrap, userAssertion } from "../../src/index.ts";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../src/simulator/index.ts";
import { START } from "./support.ts";

let sim: Simulator;
afterEach(() => sim?.close());

const start = (options: SimulatorOptions = {}): Promise<Simulator> =>
  createSimulator({ listen: false, clock: { start: START, frozen: true }, ...options }).then((created) => (sim = created));

async function post(path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await sim.fetch(`${sim.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const credentials = (extra: Record<string, string> = {}) => ({
  client_id: sim.clientId,
  client_secret: sim.clientSecret,
  grant_type: "client_credentials",
  ...extra,
});
const token = async (extra: Record<string, string> = {}): Promise<string> =>
  (await post("/v2/oauth/token", credentials(extra))).body.access_token as string;
const createUser = (bearer: string, userId = "u-1") => post("/v2/fulfillment/users", { user_id: userId, first_name: "Ada" }, bearer);

describe("simulated OAuth", () => {
  it("issues Instacart's token answer and refuses unknown credentials and credentials in the query string", async () => {
    await start();
    const issued = await post("/v2/oauth/token", credentials());
    expect(issued.status).toBe(200);
    expect(issued.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9]{43}$/),
      token_type: "Bearer",
      expires_in: 86_400,
      created_at: Date.parse(START) / 1000,
    });
    expect(await post("/v2/oauth/token", { ...credentials(), client_secret: "wrong" })).toEqual({
      status: 401,
      body: { error: "invalid_client", error_description: "Client authentication failed." },
    });
    const query = await post(`/v2/oauth/token?client_id=${sim.clientId}&client_secret=${sim.clientSecret}`, credentials());
    expect(query).toMatchObject({ status: 403, body: { error: "query_params_forbidden" } });
  });

  it("answers 401 once a token's expires_in has passed on the simulated clock, and the client recovers with a fresh token", async () => {
    await start();
    const bearer = await token();
    expect((await createUser(bearer)).status).toBe(200);
    sim.clock.advance(86_400_000 - 1);
    expect((await createUser(bearer)).status).toBe(200);
    sim.clock.advance(1);
    expect(await createUser(bearer)).toEqual({ status: 401, body: { error: { message: "Unauthorized: the access token has expired" } } });

    const connect = createConnectClient({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, fetch: sim.fetch });
    await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "u-2", first_name: "Bo" } }));
    sim.clock.advance(86_400_000); // the client's own clock says its token is fine; the simulator's says it expired
    await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "u-3", first_name: "Cy" } }));
    const calls = sim.requests.filter((request) => request.operationId === "createUser").map((request) => request.status);
    expect(calls.slice(-3)).toEqual([200, 401, 200]);
  });

  it("refuses a token whose scope does not cover the operation, and a scope the application may not use", async () => {
    await start({ scopes: ["connect:fulfillment", "connect:post_checkout"] });
    const fulfillmentOnly = await token({ scope: "connect:fulfillment" });
    expect((await createUser(fulfillmentOnly)).status).toBe(200);
    const feedback = await post("/v2/feedback/users/u-1/orders/o-1/rating", { rating_value: "STARS5" }, fulfillmentOnly);
    expect(feedback).toEqual({
      status: 403,
      body: { error: { message: "Forbidden: the access token's scope does not include Connect::Orders::RatingService", code: null } },
    });
    expect(await post("/v2/oauth/token", credentials({ scope: "connect:recommendations" }))).toMatchObject({
      status: 400,
      body: { error: "invalid_scope" },
    });
    // Post-checkout scopes go with user tokens only (the spec's x-grant-types).
    expect(await post("/v2/oauth/token", credentials({ scope: "connect:post_checkout" }))).toMatchObject({
      status: 400,
      body: { error: "invalid_scope" },
    });

    const connect = createConnectClient({
      server: sim.url,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      fetch: sim.fetch,
      scope: "connect:fulfillment",
    });
    const refused = await connect.POST("/v2/recommendations/users/{user_id}/replacement_items", {
      params: { path: { user_id: "u-1" } },
      body: { items: [{ line_num: "1", item: { upc: "1" } }], location_code: "1001" },
    });
    expect(refused.response.status).toBe(403);
  });

  it("binds user tokens to their user: a back-end token is refused on front-end operations, another user's order is not found", async () => {
    await start();
    const userToken = (
      await post("/v2/oauth/token", {
        ...credentials(),
        grant_type: "fulfillment_user_assertion",
        assertion: userAssertion("u-1"),
        scope: "connect:post_checkout",
      })
    ).body;
    expect(userToken).toMatchObject({ token_type: "Bearer", scope: "connect:post_checkout" });
    const read = (bearer: string) =>
      sim
        .fetch(`${sim.url}/v2/post_checkout/orders/o-9`, { headers: { authorization: `Bearer ${bearer}` } })
        .then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await read(userToken.access_token as string)).toEqual({
      status: 404,
      body: { error: { message: "Resource not found", code: 4000 } },
    });
    expect(await read(await token())).toEqual({ status: 400, body: { error: { message: "User ID not found", code: 4001 } } });
    expect(await post("/v2/fulfillment/users", { user_id: "u-1", first_name: "Ada" }, userToken.access_token as string)).toMatchObject({
      status: 403,
    });
    expect(
      await post("/v2/oauth/token", { ...credentials(), grant_type: "fulfillment_user_assertion", assertion: "not base64 json" }),
    ).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
  });

  it("revokes tokens of its own application only", async () => {
    await start();
    const bearer = await token();
    expect(await post("/v2/oauth/token/revoke", { client_id: sim.clientId, client_secret: "other", token: bearer })).toMatchObject({
      status: 403,
      body: { error: "unauthorized_client" },
    });
    expect(await post("/v2/oauth/token/revoke", { client_id: sim.clientId, client_secret: sim.clientSecret, token: bearer })).toEqual({
      status: 200,
      body: {},
    });
    expect(await createUser(bearer)).toEqual({ status: 401, body: { error: { message: "Unauthorized: the access token was revoked" } } });

    const connect = createConnectClient({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, fetch: sim.fetch });
    await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "u-2", first_name: "Bo" } }));
    expect(await connect.revokeTokens()).toMatchObject({ revoked: 1, failed: [] });
  });

  it("links a sandbox Instacart user through an authorization code and a linking token", async () => {
    await start();
    const bearer = await token();
    await createUser(bearer, "u-1");
    const { body: instacartUser } = await post(
      "/v2/fulfillment_sandbox/instacart_users",
      { email: "ada@example.com", phone: "+18005550100", password: "pw", instacartplus_member: true },
      bearer,
    );
    const redirect = "https://retailer.example/linked";
    const { body: authorization } = await post(
      `/v2/fulfillment_sandbox/instacart_users/${String(instacartUser.id)}/authorize`,
      { redirect_uri: redirect, scope: "account_linking" },
      bearer,
    );
    const linking = await post("/v2/oauth/token", {
      ...credentials(),
      grant_type: "authorization_code",
      code: authorization.code as string,
      redirect_uri: redirect,
    });
    expect(linking.body).toMatchObject({ scope: "account_linking" });
    expect(await post("/v2/fulfillment/users/u-1/link", { linking_token: "nope" }, bearer)).toEqual({
      status: 400,
      body: { error: { message: "Linking token is invalid", code: 1001 }, meta: { key: "linking_token" } },
    });
    expect(await post("/v2/fulfillment/users/u-1/link", { linking_token: linking.body.access_token }, bearer)).toEqual({
      status: 200,
      body: { success: true },
    });
    const info = await sim.fetch(`${sim.url}/v2/fulfillment/users/u-1/link`, { headers: { authorization: `Bearer ${bearer}` } });
    expect(await info.json()).toMatchObject({ instacartplus_member: true });
    // The code was used up.
    expect(
      await post("/v2/oauth/token", {
        ...credentials(),
        grant_type: "authorization_code",
        code: authorization.code as string,
        redirect_uri: redirect,
      }),
    ).toMatchObject({ status: 400 });
    expect(sim.violations).toEqual([]);
  });
});

describe("errors through the client", () => {
  it("surfaces the envelope as a ConnectApiError naming the field", async () => {
    await start();
    const connect = createConnectClient({ server: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, fetch: sim.fetch });
    const failure = await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1" } as never })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConnectApiError);
    expect(failure).toMatchObject({ status: 400, code: 1001, key: "first_name" });
  });
});
