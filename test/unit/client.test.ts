import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import {
  ConnectConfigError,
  ConnectRequestError,
  VERSION,
  createConnectClient,
  type ConnectClientOptions,
  type DeprecationInfo,
} from "../../src/index.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";
import { typeCheck } from "../support/typecheck.ts";

const setup = fakeConnectPerTest();
const client = (extra: Partial<ConnectClientOptions> = {}) => setup.client(extra);
const ADDRESSES = "/v2/fulfillment/users/{user_id}/addresses";

describe("headers", () => {
  it("sends Accept, User-Agent, and the optional X-Retailer-Id and Accept-Language on every call", async () => {
    await client({ retailerId: "banner-7", locale: "fr-CA" }).POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" } });
    for (const request of setup.fake.requests) {
      expect(request.headers.accept).toBe("application/json");
      expect(request.headers["user-agent"]).toBe(`instacart-connect/${VERSION} node/${process.versions.node}`);
      expect(request.headers["x-retailer-id"]).toBe("banner-7");
      expect(request.headers["accept-language"]).toBe("fr-CA");
    }
    expect(setup.fake.requests).toHaveLength(2);
  });

  it("omits X-Retailer-Id and Accept-Language unless configured, and lets a call set its own", async () => {
    await client().POST("/v2/fulfillment/users", {
      body: { user_id: "u", first_name: "A" },
      params: { header: { "Accept-Language": "en-CA" } },
    });
    const call = setup.fake.calls("POST /v2/fulfillment/users")[0]!;
    expect(call.headers["x-retailer-id"]).toBeUndefined();
    expect(call.headers["accept-language"]).toBe("en-CA");
  });
});

describe("path parameters", () => {
  it.each([
    ["a/../b?x#y", "/v2/fulfillment/users/a%2F..%2Fb%3Fx%23y/addresses"],
    ["100%", "/v2/fulfillment/users/100%25/addresses"],
    ["Zoë Ångström", "/v2/fulfillment/users/Zo%C3%AB%20%C3%85ngstr%C3%B6m/addresses"],
    ["../../oauth/token", "/v2/fulfillment/users/..%2F..%2Foauth%2Ftoken/addresses"],
  ])("encodes %j as one segment", async (userId, path) => {
    await client().POST(ADDRESSES, { params: { path: { user_id: userId } }, body: { address_line_1: "1 Main St", postal_code: "60601" } });
    const sent = setup.fake.requests.at(-1)!;
    expect(sent.url.pathname).toBe(path);
    expect(sent.url.search).toBe("");
    expect(decodeURIComponent(sent.url.pathname.split("/")[4]!)).toBe(userId);
  });

  it.each([
    [".", /cannot be "\."/],
    ["..", /cannot be "\.\."/],
    ["", /must not be empty/],
  ])("refuses the path parameter %j before sending anything", async (userId, message) => {
    const call = client().POST(ADDRESSES, { params: { path: { user_id: userId } }, body: { address_line_1: "1", postal_code: "2" } });
    await expect(call).rejects.toThrow(ConnectRequestError);
    await expect(call).rejects.toThrow(message);
    expect(setup.fake.requests).toHaveLength(0);
  });

  it("refuses a missing path parameter instead of sending the template", async () => {
    const call = client().POST(ADDRESSES, { body: { address_line_1: "1", postal_code: "2" } } as never);
    await expect(call).rejects.toThrow(
      /createUserAddress \(POST \/v2\/fulfillment\/users\/\{user_id\}\/addresses\): path parameter `user_id` is missing/,
    );
    expect(setup.fake.requests).toHaveLength(0);
  });
});

describe("deprecation headers", () => {
  it("warns once when responses carry Deprecation or Sunset headers", async () => {
    setup.fake.on("POST /v2/fulfillment/users", {
      headers: { deprecation: "true", sunset: "Sat, 01 May 2027 00:00:00 GMT" },
      body: { user_id: "u" },
    });
    const onDeprecation = vi.fn<(info: DeprecationInfo) => void>();
    const connect = client({ onDeprecation });
    for (let i = 0; i < 3; i++) await connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" } });
    expect(onDeprecation).toHaveBeenCalledTimes(1);
    expect(onDeprecation.mock.calls[0]![0]).toMatchObject({
      source: "header",
      operationId: "createUser",
      deprecation: "true",
      sunset: "Sat, 01 May 2027 00:00:00 GMT",
    });
  });
});

describe("options", () => {
  const base = { server: "https://connect.example.test", clientId: "id", clientSecret: "secret" };
  it.each([
    [{ ...base, clientId: "" }, /clientId/],
    [{ ...base, server: "staging" }, /or an absolute URL, not "staging"/],
    [{ ...base, timeout: -1 }, /`timeout` must be a whole number from 1/],
    [{ ...base, timeout: 0 }, /`timeout`/],
    [{ ...base, timeout: 1.5 }, /whole number/],
    [{ ...base, maxRetries: 11 }, /`maxRetries` must be a whole number from 0 to 10/],
    [{ ...base, maxResponseBytes: 0 }, /`maxResponseBytes` must be a whole number from 1/],
    [{ ...base, maxRetries: -1 }, /`maxRetries`/],
    [{ ...base, retryDelay: Number.NaN }, /`retryDelay`/],
    [{ ...base, retailerId: " " }, /`retailerId`/],
    [{ ...base, fetch: "nope" }, /`fetch` must be a function/],
    [{ ...base, hooks: { onRequestt: () => {} } }, /unknown hook `onRequestt`/],
    [{ ...base, clientID: "typo" }, /unknown option `clientID`/],
    [{ ...base, accessToken: "" }, /accessToken/],
  ])("refuses %o at construction", (options, message) => {
    expect(() => createConnectClient(options as never)).toThrow(ConnectConfigError);
    expect(() => createConnectClient(options as never)).toThrow(message);
  });

  it("validates per-call timeout and maxRetries", async () => {
    const connect = client();
    await expect(connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" }, timeout: -5 })).rejects.toThrow(
      ConnectRequestError,
    );
    await expect(connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "A" }, maxRetries: 99 })).rejects.toThrow(
      /maxRetries/,
    );
    expect(setup.fake.requests).toHaveLength(0);
  });

  it("exposes the server and, on forUser clients, the user", () => {
    const connect = client();
    expect(connect.server).toBe(setup.fake.url);
    expect(connect.userId).toBeUndefined();
    expect(connect.forUser("u-9").userId).toBe("u-9");
  });
});

describe("types a consumer sees", () => {
  // One in-memory program (strict, exactOptionalPropertyTypes on): the file must type-check, and each
  // `@ts-expect-error` must meet an error (an unused one is an error too), so the test fails both when
  // valid code stops compiling and when a misspelled option starts compiling.
  const consumer = `
import { createConnectClient, unwrap, type RequestBody, type ResponseData, type Schema } from "instacart-connect";

const connect = createConnectClient({ server: "development", clientId: "id", clientSecret: "secret" });
declare const lastName: string | undefined;

// Short names for the spec's objects, and request and response types by operationId.
export const order: Schema<"Order"> | undefined = undefined;
export const serviceOption: Schema<"ServiceOption">["id"] = 1;
export const body: RequestBody<"createDeliveryOrder"> = {
  order_id: "o-1",
  service_option_hold_id: 1,
  address: { address_line_1: "1 Main St", postal_code: "60601" },
  items: [{ line_num: "1", count: 1, item: { upc: "012345678905" } }],
  // An optional field takes a value that may be undefined, even with exactOptionalPropertyTypes.
  special_instructions: undefined,
};
export async function flows(): Promise<string> {
  const created = await unwrap(connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", { params: { path: { user_id: "u" } }, body }));
  const fetched: ResponseData<"getOrder"> = await unwrap(
    connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: "u", order_id: created.id } } }),
  );
  await connect.POST("/v2/fulfillment/users", { body: { user_id: "u", first_name: "Ada", last_name: lastName }, timeout: 5_000, idempotent: true });
  return fetched.id;
}

// Misspelled or forbidden call options are type errors.
export async function typos(): Promise<void> {
  await connect.POST("/v2/fulfillment/users", {
    body: { user_id: "u", first_name: "Ada" },
    // @ts-expect-error misspelled
    idempotant: true,
  });
  await connect.GET("/v2/fulfillment/users/{user_id}/link", {
    params: { path: { user_id: "u" } },
    // @ts-expect-error misspelled
    timout: 5,
  });
  await connect.POST("/v2/fulfillment/users", {
    body: { user_id: "u", first_name: "Ada" },
    // @ts-expect-error requests go only to the configured server
    baseUrl: "https://elsewhere.example",
  });
}

// @ts-expect-error not an object of the spec
export type Nope = Schema<"Ordre">;
`;

  it("short aliases work, misspelled call options fail, optional fields take undefined under exactOptionalPropertyTypes", () => {
    const file = join(root, "test", "unit", "__types__", "consumer.ts");
    const { errors } = typeCheck(new Map([[file, consumer]]), root, { exactOptionalPropertyTypes: true });
    expect(errors).toEqual([]);
  }, 30_000);
});
