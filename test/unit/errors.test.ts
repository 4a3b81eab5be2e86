import { inspect } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { ConnectApiError, ConnectAuthError, ConnectError, ConnectResponseError, createConnectClient, unwrap } from "../../src/index.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";
import { int64ResponseFields, withExactInteger } from "../support/int64-fields.ts";
import { hasLongDigitRun } from "../../src/large-integers.ts";

const setup = fakeConnectPerTest();
const USERS = "POST /v2/fulfillment/users";
const client = () => setup.client({ maxRetries: 0 });
const createUser = (connect: ReturnType<typeof client>) =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } });

describe("results", () => {
  it("keeps openapi-fetch's { data, error, response } for a success", async () => {
    setup.fake.on(USERS, { body: { user_id: "u-1", first_name: "Ada" } });
    const result = await createUser(client());
    expect(result.data).toEqual({ user_id: "u-1", first_name: "Ada" });
    expect(result.error).toBeUndefined();
    expect(result.response.status).toBe(200);
  });

  it("returns Instacart's error envelope in `error` for an error status", async () => {
    const body = { error: { message: "User not found", code: 1001 }, meta: { key: "user_id" } };
    setup.fake.on(USERS, { status: 400, body });
    const { data, error, response } = await createUser(client());
    expect(data).toBeUndefined();
    expect(error).toEqual(body);
    expect(response.ok).toBe(false);
  });

  it("still reports an error status with an empty body as an error", async () => {
    setup.fake.on(USERS, { status: 503, raw: "" });
    const { data, error, response } = await createUser(client());
    expect(data).toBeUndefined();
    expect(error).toEqual({ error: { message: "HTTP 503 Service Unavailable with an empty body" } });
    expect(response.status).toBe(503);
  });

  it("throws a ConnectResponseError for a 200 whose body is not JSON", async () => {
    setup.fake.on(USERS, { raw: "<html>oops</html>", headers: { "content-type": "application/json" } });
    const error = await createUser(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectResponseError);
    expect((error as ConnectResponseError).message).toBe(
      "createUser (POST /v2/fulfillment/users) answered HTTP 200 with a body that is not valid JSON",
    );
  });

  it("throws a ConnectResponseError for a 200 with an empty body where the spec documents one", async () => {
    setup.fake.on(USERS, { raw: "" });
    await expect(createUser(client())).rejects.toThrow(/HTTP 200 with an empty body, where the spec documents one/);
  });
});

describe("unwrap and ConnectApiError", () => {
  it("resolves to the data of a success", async () => {
    setup.fake.on(USERS, { body: { user_id: "u-1", first_name: "Ada" } });
    const user = await unwrap(createUser(client()));
    expect(user.user_id).toBe("u-1");
  });

  it("throws a ConnectApiError with status, code, message, meta.key, method, path and request id", async () => {
    setup.fake.on(USERS, {
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
    setup.fake.on(USERS, {
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
    setup.fake.on(USERS, { status: 403, body: { error: { message: "Params error", code: null }, meta: { order_delivery_id: "x" } } });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error.code).toBeNull();
    expect(error.key).toBeUndefined();
    expect(error.meta).toEqual({ order_delivery_id: "x" });
  });

  it("serializes to JSON without the request's secrets", async () => {
    setup.fake.on(USERS, { status: 404, body: { error: { message: "Resource not found", code: 4000 } } });
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
    setup.fake.on("POST /v2/oauth/token", {
      status: 400,
      body: { error: "invalid_client", error_description: "bad secret secret-1 for client-1" },
    });
    const error = (await createUser(client()).catch((e: unknown) => e)) as ConnectAuthError;
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect(error.message).toContain("bad secret [redacted] for client-1");
    expect(inspect(error) + JSON.stringify(error)).not.toContain("secret-1");
  });
});

describe("integers a JavaScript number cannot hold exactly (64-bit IDs)", () => {
  const BIG = "9007199254740993"; // 2^53 + 1: JSON.parse would read 9007199254740992, another ID
  /** A client whose fetch answers every API call with `body` (and issues tokens). */
  const answering = (status: number, body: string) =>
    createConnectClient({
      server: "https://connect.example.test",
      clientId: "client-1",
      clientSecret: "secret-1",
      maxRetries: 0,
      onDeprecation: () => {},
      fetch: async (request) =>
        request.url.endsWith("/v2/oauth/token")
          ? Response.json({ access_token: "tok", token_type: "Bearer", expires_in: 86_400, created_at: 1 })
          : new Response(body, { status, headers: { "content-type": "application/json" } }),
    });
  const call = (client: ReturnType<typeof answering>, method: string, path: string, parseAs?: string) => {
    const pathParams = Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], "x"]));
    const shopper = client.forUser("u-1") as unknown as Record<string, (path: string, init: object) => Promise<unknown>>;
    return shopper[method]!(path, {
      params: { path: pathParams },
      ...(method === "GET" ? {} : { body: {} }),
      ...(parseAs ? { parseAs } : {}),
    });
  };
  const fields = int64ResponseFields();

  it("lists the int64 fields of the spec's responses (service options, holds, chat messages, vehicles, …)", () => {
    expect(fields.map((f) => f.field)).toEqual(
      expect.arrayContaining(["service_options[0].id", "service_option_hold.id", "chat_messages[0].id"]),
    );
  });

  it.each(fields.map((f) => [`${f.operationId}: ${f.field}`, f] as const))(
    "fails %s with the field and the exact digits",
    async (_name, f) => {
      const error = await call(answering(200, withExactInteger(f.example, f.field, BIG)), f.method, f.path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectResponseError);
      expect(error).toMatchObject({ status: 200, operationId: f.operationId, field: f.field, exactValue: BIG });
      expect((error as Error).message).toContain(`${f.field} = ${BIG}`);
    },
  );

  it("fails on one in an error body too, and on a negative one", async () => {
    const body = `{"error":{"message":"Hold expired","code":1001},"meta":{"service_option_hold_id":-${BIG}}}`;
    const error = await call(answering(400, body), "POST", "/v2/fulfillment/users").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ConnectResponseError", status: 400, field: "meta.service_option_hold_id", exactValue: `-${BIG}` });
  });

  it("names the place of one in nested arrays and objects, and a body that is the integer itself", async () => {
    const cases: [string, string][] = [
      [`[[{"x":"a,b"}],[{"y":{"z":[1,2]},"id":${BIG}}]]`, "[1][0].id"],
      [`{"a":{"":[{"b":1}]},"c":[0,[${BIG}]]}`, "c[1][0]"],
      [BIG, ""],
    ];
    for (const [body, field] of cases) {
      const error = await call(answering(200, body), "POST", "/v2/fulfillment/users").catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "ConnectResponseError", field, exactValue: BIG });
      expect((error as Error).message).toContain(`${field || "the body"} = ${BIG}`);
    }
  });

  it("lets exact values through: the largest safe integer, 2^53 itself, long digit strings, decimals", async () => {
    const body = `{"service_options":[{"id":9007199254740991},{"id":9007199254740992}],"upc":"12345678901234567890","total":12345678901234567.5}`;
    const { data } = (await call(answering(200, body), "POST", "/v2/fulfillment/service_options/delivery")) as {
      data: { service_options: { id: number }[] };
    };
    expect(data.service_options.map((o) => o.id)).toEqual([9007199254740991, 9007199254740992]);
  });

  it("still reports a truncated body with a long digit run as invalid JSON (the scan stops at the fault)", async () => {
    for (const body of [`{"service_options":[{"id":${BIG}`, `{"note":"${BIG}`, `{"a":-x,"id":${BIG}}`]) {
      const error = await call(answering(200, body), "POST", "/v2/fulfillment/service_options/delivery").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectResponseError);
      expect((error as Error).message).toMatch(/not valid JSON|cannot hold exactly/);
    }
  });

  it("finds a run of 16 digits wherever a regular expression would (the pre-check looks at every 16th character)", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: Math.floor(random() * 70) }, () => (random() < 0.8 ? String(Math.floor(random() * 10)) : ",")).join(
        "",
      );
      expect(hasLongDigitRun(text), text).toBe(/\d{16}/.test(text));
    }
  });

  it("leaves a body the caller reads as text alone: the digits are all there", async () => {
    const body = `{"service_options":[{"id":${BIG}}]}`;
    const { data } = (await call(answering(200, body), "POST", "/v2/fulfillment/service_options/delivery", "text")) as { data: string };
    expect(data).toBe(body);
  });
});

describe("errors from a Prism mock name its request violations (sl-violations)", () => {
  it("names the missing field instead of the spec's example error body, and exposes the headers", async () => {
    const connect = createConnectClient({ server: inject("prismUrl"), clientId: "client-1", clientSecret: "secret-1", maxRetries: 0 });
    const error = (await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1" } as never })).catch(
      (e: unknown) => e,
    )) as ConnectApiError;
    expect(error).toBeInstanceOf(ConnectApiError);
    expect(error.violations).toEqual([{ field: "body.first_name", message: "is required" }]);
    expect(error.message).toBe(
      "createUser (POST /v2/fulfillment/users) failed with HTTP 400: the request breaks the spec (sl-violations): body.first_name is required",
    );
    expect(error.headers.get("sl-violations")).toContain("first_name");
    // the headers stay out of JSON and logs
    expect(Object.keys(error)).not.toContain("headers");
  });

  it("names every violation, nested fields and type errors included", async () => {
    const violations = [
      { location: ["request", "body"], severity: "Error", code: "required", message: "Request body must have required property 'address'" },
      {
        location: ["request", "body", "order_id"],
        severity: "Error",
        code: "type",
        message: "Request body property order_id must be string",
      },
      {
        location: ["request", "body", "items", "0", "item"],
        severity: "Error",
        code: "required",
        message: "Request body property items.0.item must have required property 'upc'",
      },
      { location: ["request", "body", "x"], severity: "Warning", code: "format", message: "only a warning" },
    ];
    setup.fake.on(USERS, {
      status: 422,
      headers: { "sl-violations": JSON.stringify(violations) },
      body: { error: { message: "User not found", code: 1001 } },
    });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error.message).toBe(
      "createUser (POST /v2/fulfillment/users) failed with HTTP 422: the request breaks the spec (sl-violations): " +
        "body.address is required; body.order_id must be string; body.items[0].item.upc is required",
    );
    expect(error.code).toBe(1001);
  });

  it("ignores a header that is not Prism's JSON list", async () => {
    setup.fake.on(USERS, {
      status: 400,
      headers: { "sl-violations": "not json" },
      body: { error: { message: "User not found", code: 1001 } },
    });
    const error = (await unwrap(createUser(client())).catch((e: unknown) => e)) as ConnectApiError;
    expect(error.violations).toEqual([]);
    expect(error.message).toBe("createUser (POST /v2/fulfillment/users) failed with HTTP 400: User not found (code 1001)");
  });
});
