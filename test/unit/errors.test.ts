import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ConnectApiError,
  ConnectAuthError,
  ConnectError,
  ConnectResponseError,
  createConnectClient,
  unwrap,
} from "../../src/index.ts";
import { startFakeConnect, type FakeConnect } from "../support/fake-connect.ts";

let fake: FakeConnect;
beforeEach(async () => {
  fake = await startFakeConnect();
});
afterEach(async () => {
  await fake.close();
});

const USERS = "POST /v2/fulfillment/users";
const client = () => createConnectClient({ server: fake.url, clientId: "client-1", clientSecret: "secret-1", retryDelay: 0, maxRetries: 0 });
const createUser = (connect: ReturnType<typeof client>) => connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } });

describe("results", () => {
  it("keeps openapi-fetch's { data, error, response } for a success", async () => {
    fake.on(USERS, { body: { user_id: "u-1", first_name: "Ada" } });
    const result = await createUser(client());
    expect(result.data).toEqual({ user_id: "u-1", first_name: "Ada" });
    expect(result.error).toBeUndefined();
    expect(result.response.status).toBe(200);
  });

  it("returns Instacart's error envelope in `error` for an error status", async () => {
    const body = { error: { message: "User not found", code: 1001 }, meta: { key: "user_id" } };
    fake.on(USERS, { status: 400, body });
    const { data, error, response } = await createUser(client());
    expect(data).toBeUndefined();
    expect(error).toEqual(body);
    expect(response.ok).toBe(false);
  });

  it("still reports an error status with an empty body as an error", async () => {
    fake.on(USERS, { status: 503, raw: "" });
    const { data, error, response } = await createUser(client());
    expect(data).toBeUndefined();
    expect(error).toEqual({ error: { message: "HTTP 503 Service Unavailable with an empty body" } });
    expect(response.status).toBe(503);
  });

  it("throws a ConnectResponseError for a 200 whose body is not JSON", async () => {
    fake.on(USERS, { raw: "<html>oops</html>", headers: { "content-type": "application/json" } });
    const error = await createUser(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectResponseError);
    expect((error as ConnectResponseError).message).toBe("createUser (POST /v2/fulfillment/users) answered HTTP 200 with a body that is not valid JSON");
  });

  it("throws a ConnectResponseError for a 200 with an empty body where the spec documents one", async () => {
    fake.on(USERS, { raw: "" });
    await expect(createUser(client())).rejects.toThrow(/HTTP 200 with an empty body, where the spec documents one/);
  });
});

describe("unwrap and ConnectApiError", () => {
  it("resolves to the data of a success", async () => {
    fake.on(USERS, { body: { user_id: "u-1", first_name: "Ada" } });
    const user = await unwrap(createUser(client()));
    expect(user.user_id).toBe("u-1");
  });

  it("throws a ConnectApiError with status, code, message, meta.key, method, path and request id", async () => {
    fake.on(USERS, {
      status: 400,
      headers: { "x-request-id": "req-42" },
      body: { error: { message: "User not found", code: 1001 }, meta: { key: "user_id" } },
    });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error).toBeInstanceOf(ConnectApiError);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({
      status: 400,
      code: 1001,
      key: "user_id",
      operationId: "createUser",
      method: "POST",
      path: "/v2/fulfillment/users",
      requestId: "req-42",
      errors: [],
    });
    expect(error.message).toBe("createUser (POST /v2/fulfillment/users) failed with HTTP 400: User not found (code 1001, user_id)");
  });

  it("exposes the nested errors of the multiple-errors form", async () => {
    fake.on(USERS, {
      status: 400,
      body: {
        error: {
          message: "There were issues with your request",
          code: 9999,
          errors: [
            { error: { message: "can't be blank", code: 1001 }, meta: { key: "order.service_option_id" } },
            { error: { message: "is invalid", code: 1001 }, meta: { key: "user.phone_number" } },
          ],
        },
        meta: {},
      },
    });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error.code).toBe(9999);
    expect(error.errors).toEqual([
      { message: "can't be blank", code: 1001, key: "order.service_option_id", meta: { key: "order.service_option_id" } },
      { message: "is invalid", code: 1001, key: "user.phone_number", meta: { key: "user.phone_number" } },
    ]);
    expect(error.message).toContain("order.service_option_id: can't be blank; user.phone_number: is invalid");
  });

  it("keeps a null code and an open meta", async () => {
    fake.on(USERS, { status: 403, body: { error: { message: "Params error", code: null }, meta: { order_delivery_id: "x" } } });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error.code).toBeNull();
    expect(error.key).toBeUndefined();
    expect(error.meta).toEqual({ order_delivery_id: "x" });
  });

  it("serializes to JSON without the request's secrets", async () => {
    fake.on(USERS, { status: 404, body: { error: { message: "Resource not found", code: 4000 } } });
    const error = await unwrap(createUser(client())).catch((e: unknown) => e);
    const text = JSON.stringify(error) + inspect(error, { depth: 5 }) + String((error as Error).stack);
    expect(text).not.toContain("secret-1");
    expect(text).not.toContain("tok-1");
  });
});

describe("secrets", () => {
  it("never shows the client secret or a token in util.inspect of the client", async () => {
    const connect = client();
    await createUser(connect);
    const shown = inspect(connect, { depth: 10, showHidden: true }) + JSON.stringify(connect);
    expect(shown).toContain("ConnectClient");
    expect(shown).not.toContain("secret-1");
    expect(shown).not.toContain("tok-1");
  });

  it("scrubs the secret and tokens from a token endpoint's error message", async () => {
    fake.on("POST /v2/oauth/token", { status: 400, body: { error: "invalid_client", error_description: "bad secret secret-1 for client-1" } });
    const error = (await createUser(client()).catch((e: unknown) => e)) as ConnectAuthError;
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect(error.message).toContain("bad secret [redacted] for client-1");
    expect(inspect(error) + JSON.stringify(error)).not.toContain("secret-1");
  });
});
