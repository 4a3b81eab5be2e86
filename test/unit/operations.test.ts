/**
 * Behaviour that depends on what the spec says of each operation: scopes, grants, development-only
 * operations, deprecations, and which methods may be retried.
 */
import { describe, expect, it, vi } from "vitest";
import {
  ConnectNetworkError,
  ConnectRequestError,
  ConnectTimeoutError,
  createConnectClient,
  userAssertion,
  type DeprecationInfo,
} from "../../src/index.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const setup = fakeConnectPerTest();
/** A client on the test clock: timeouts fire when the test advances it. Backoff is 0 ms. */
const { client } = setup;
const tokenBodies = () => setup.fake.tokenRequests.map((r) => r.json as Record<string, string>);
const items = [{ line_num: "1", item: { upc: "00041570054161" } }];

describe("scopes from the spec", () => {
  it("asks each operation's token for the scope the operation declares, one token per scope", async () => {
    const connect = client();
    await connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" } });
    await connect.POST("/v2/recommendations/users/{user_id}/replacement_items", {
      params: { path: { user_id: "u" } },
      body: { location_code: "3012", items },
    });
    await connect.POST("/v2/retailer_transaction/pos_transactions", {
      body: { id: "t-1", last_four: "1234", transaction_timestamp: "2026-11-27T10:00:00Z", store_id: "s-1", total: 10, total_tax: 1 },
    });
    await connect.POST("/v2/fulfillment/users", { body: { user_id: "v", first_name: "B" } });
    expect(tokenBodies().map((b) => b.scope ?? "(none)")).toEqual(["connect:fulfillment", "connect:recommendations", "(none)"]);
    expect(setup.fake.calls("POST /v2/retailer_transaction/pos_transactions")[0]!.headers.authorization).toBe("Bearer tok-3");
    expect(setup.fake.calls("POST /v2/fulfillment/users")[1]!.headers.authorization).toBe("Bearer tok-1");
  });
});

describe("forUser", () => {
  it("calls front-end operations with a user access token for that user", async () => {
    const shopper = client().forUser("johnsmith6000");
    await shopper.POST("/v2/recommendations/replacement_items", { body: { location_code: "3012", items } });
    expect(tokenBodies()).toEqual([
      {
        client_id: "client-1",
        client_secret: "secret-1",
        grant_type: "fulfillment_user_assertion",
        scope: "connect:recommendations",
        assertion: userAssertion("johnsmith6000"),
      },
    ]);
    expect(setup.fake.calls("POST /v2/recommendations/replacement_items")[0]!.headers.authorization).toBe("Bearer tok-1");
  });

  it("keeps client-credentials tokens for back-end operations", async () => {
    await client()
      .forUser("johnsmith6000")
      .POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" } });
    expect(tokenBodies()[0]!.grant_type).toBe("client_credentials");
  });

  it("caches user tokens per user, and shares the cache with the base client", async () => {
    const connect = client();
    const call = (user: string) =>
      connect.forUser(user).POST("/v2/recommendations/complementary_items", { body: { location_code: "3012", items } });
    await call("ada");
    await call("ada");
    await call("grace");
    expect(tokenBodies().map((b) => JSON.parse(Buffer.from(b.assertion!, "base64").toString()).user_id)).toEqual(["ada", "grace"]);
  });

  it("refuses a front-end operation on the base client before sending anything (and its types do too)", async () => {
    // @ts-expect-error front-end paths are not on the base client's type: they need forUser
    const call = client().POST("/v2/recommendations/replacement_items", { body: { location_code: "3012", items } });
    await expect(call).rejects.toThrow(ConnectRequestError);
    await expect(call).rejects.toThrow(/needs a user access token \(a front-end operation\): call it through connect.forUser/);
    expect(setup.fake.requests).toHaveLength(0);
  });

  it("asks an accessToken function for a user token, with the user", async () => {
    const accessToken = vi.fn(async () => "user-token");
    const connect = createConnectClient({ server: setup.fake.url, accessToken });
    await connect.forUser("ada").POST("/v2/recommendations/replacement_items", { body: { location_code: "3012", items } });
    expect(accessToken).toHaveBeenCalledWith({
      grant: "fulfillment_user_assertion",
      scope: "connect:recommendations",
      userId: "ada",
      operationId: "findReplacementItemsFrontend",
      refresh: false,
    });
  });
});

describe("development-only operations", () => {
  const shopper = { body: {} } as never;
  it("refuses a Sandbox operation on the production server before sending anything", async () => {
    const fetch = vi.fn(async () => new Response("{}"));
    const connect = createConnectClient({ server: "production", clientId: "a", clientSecret: "b", fetch });
    const call = connect.POST("/v2/fulfillment_sandbox/shoppers", shopper);
    await expect(call).rejects.toThrow(ConnectRequestError);
    await expect(call).rejects.toThrow(/createSandboxShopper .* exists only on development servers/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it("sends Sandbox operations to the development server", async () => {
    const seen: string[] = [];
    const fetch = vi.fn(async (request: Request) => {
      seen.push(request.url);
      return new Response(JSON.stringify({ access_token: "t", token_type: "Bearer", expires_in: 86400, created_at: 1, id: 1 }), {
        headers: { "content-type": "application/json" },
      });
    });
    const connect = createConnectClient({ server: "development", clientId: "a", clientSecret: "b", fetch });
    await connect.POST("/v2/fulfillment_sandbox/shoppers", shopper);
    expect(seen).toEqual([
      "https://connect.dev.instacart.tools/v2/oauth/token",
      "https://connect.dev.instacart.tools/v2/fulfillment_sandbox/shoppers",
    ]);
  });
});

describe("deprecated operations", () => {
  it("warns once per deprecated operation, naming the replacement", async () => {
    const onDeprecation = vi.fn<(info: DeprecationInfo) => void>();
    const connect = client({ onDeprecation });
    const call = () =>
      connect.POST("/v2/fulfillment/lastmile/users/{user_id}/service_options/{service_option_id}/reserve", {
        params: { path: { user_id: "u", service_option_id: 1280750203 } },
      });
    await call();
    await call();
    await connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" } });
    expect(onDeprecation).toHaveBeenCalledTimes(1);
    expect(onDeprecation.mock.calls[0]![0]).toMatchObject({
      source: "spec",
      operationId: "reserveLastMileServiceOptionLegacy",
      replacedBy: "reserveServiceOption",
      message: expect.stringContaining("is deprecated; use reserveServiceOption instead"),
    });
  });

  it("emits one Node.js DeprecationWarning by default", async () => {
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const connect = client();
      for (let i = 0; i < 3; i++) {
        await connect.POST("/v2/fulfillment/lastmile/service_options", { body: { location_code: "5120" } });
      }
      const warnings = emit.mock.calls.filter(([message]) => String(message).includes("listLastMileServiceOptionsLegacy"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]![1]).toEqual({ type: "DeprecationWarning", code: "INSTACART_CONNECT_DEPRECATED" });
    } finally {
      emit.mockRestore();
    }
  });
});

describe("retries of safe methods (GET)", () => {
  const ACCOUNT = "GET /v2/fulfillment/users/u/link";
  const getAccount = (connect: ReturnType<typeof client>, init: Record<string, unknown> = {}) =>
    connect.GET("/v2/fulfillment/users/{user_id}/link", { params: { path: { user_id: "u" } }, ...init });

  it.each([408, 429, 500, 502, 503, 504])("retries a GET after a %i and succeeds", async (status) => {
    setup.fake.on(ACCOUNT, { status, body: {} }, { body: { instacartplus_member: true } });
    const { data } = await getAccount(client());
    expect(data).toEqual({ instacartplus_member: true });
    expect(setup.fake.calls(ACCOUNT)).toHaveLength(2);
  });

  it.each([400, 403, 404, 422])("does not retry a GET after a %i", async (status) => {
    setup.fake.on(ACCOUNT, { status, body: { error: { message: "no" } } });
    await getAccount(client());
    expect(setup.fake.calls(ACCOUNT)).toHaveLength(1);
  });

  it("retries a GET after a reset and after a timeout", async () => {
    setup.fake.on(ACCOUNT, { reset: true }, { hang: true }, { body: { instacartplus_member: false } });
    const call = getAccount(client({ timeout: 200 }));
    await vi.waitFor(() => expect(setup.fake.calls(ACCOUNT)).toHaveLength(2), { interval: 2 });
    await setup.clock.advance(200);
    const { data } = await call;
    expect(data).toEqual({ instacartplus_member: false });
    expect(setup.fake.calls(ACCOUNT)).toHaveLength(3);
  });

  it("gives up after maxRetries with the typed error of the last attempt", async () => {
    setup.fake.on(ACCOUNT, { hang: true });
    const call = getAccount(client({ timeout: 100, maxRetries: 1 })).catch((e: unknown) => e);
    for (const attempt of [1, 2]) {
      await vi.waitFor(() => expect(setup.fake.calls(ACCOUNT)).toHaveLength(attempt), { interval: 2 });
      await setup.clock.advance(100);
    }
    const error = await call;
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect((error as ConnectTimeoutError).message).toContain(
      "getInstacartAccountInfo (GET /v2/fulfillment/users/{user_id}/link) timed out after 100 ms (attempt 2 of 2)",
    );
    expect(setup.fake.calls(ACCOUNT)).toHaveLength(2);
  });

  it("gives up on a reset after maxRetries with a ConnectNetworkError", async () => {
    setup.fake.on(ACCOUNT, { reset: true });
    await expect(getAccount(client({ maxRetries: 2 }))).rejects.toBeInstanceOf(ConnectNetworkError);
    expect(setup.fake.calls(ACCOUNT)).toHaveLength(3);
  });
});

describe("retries of safe methods (PUT)", () => {
  it("retries a PUT after a 503 and after a reset, with the same body", async () => {
    const ROUTE = "PUT /v2/fulfillment/users/u/orders/o-1/tip";
    setup.fake.on(ROUTE, { status: 503, body: {} }, { reset: true }, { body: { id: "o-1", status: "delivered" } });
    const { data } = await client({ maxRetries: 2 }).PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/tip", {
      params: { path: { user_id: "u", order_id: "o-1" } },
      body: { tip_amount_cents: 500 },
    });
    expect(data).toEqual({ id: "o-1", status: "delivered" });
    expect(setup.fake.calls(ROUTE).map((c) => c.json)).toEqual([
      { tip_amount_cents: 500 },
      { tip_amount_cents: 500 },
      { tip_amount_cents: 500 },
    ]);
  });
});
