import { describe, expect, it, vi } from "vitest";
import { ConnectAuthError, ConnectConfigError, createConnectClient, userAssertion } from "../../src/index.ts";
import { issueToken } from "../support/fake-connect.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const SECRET = "s3cret-value-123";
const setup = fakeConnectPerTest(SECRET);
/** A client on the test clock (token expiry moves only with `clock.advance`). */
const { client } = setup;
const createUser = (connect: ReturnType<typeof client>, id = "u-1") =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: id, first_name: "Ada" } });

describe("client-credentials tokens", () => {
  it("fetches a token with the credentials in a JSON body and puts it on the call", async () => {
    const { response } = await createUser(client());
    expect(response.status).toBe(200);
    expect(setup.fake.tokenRequests).toHaveLength(1);
    const [tokenCall] = setup.fake.tokenRequests;
    expect(tokenCall!.headers["content-type"]).toBe("application/json");
    expect(tokenCall!.url.search).toBe("");
    expect(tokenCall!.json).toEqual({
      client_id: "client-1",
      client_secret: SECRET,
      grant_type: "client_credentials",
      scope: "connect:fulfillment",
    });
    expect(setup.fake.calls("POST /v2/fulfillment/users")[0]!.headers.authorization).toBe("Bearer tok-1");
  });

  it("reuses the cached token for later calls", async () => {
    const connect = client();
    for (let i = 0; i < 5; i++) await createUser(connect, `u-${i}`);
    expect(setup.fake.tokenRequests).toHaveLength(1);
    expect(new Set(setup.fake.calls("POST /v2/fulfillment/users").map((r) => r.headers.authorization))).toEqual(new Set(["Bearer tok-1"]));
  });

  it("makes exactly one token request when 50 calls start together on a cold cache", async () => {
    const connect = client();
    setup.fake.on("POST /v2/oauth/token", (request, f) => ({ ...(issueToken(request, f) as object), delay: 50 }));
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => createUser(connect, `u-${i}`)));
    expect(results.every((r) => r.response.ok)).toBe(true);
    expect(setup.fake.tokenRequests).toHaveLength(1);
  });

  it("renews the token tokenRefreshMargin before expires_in runs out, in the background, once", async () => {
    setup.fake.expiresIn = 4;
    const connect = client({ tokenRefreshMargin: 1_500 });
    await createUser(connect);
    await createUser(connect);
    expect(setup.fake.tokenRequests).toHaveLength(1);
    await setup.clock.advance(2_700); // inside the margin, before expiry
    // The calls inside the margin use the still-valid token at once; one renewal starts.
    await Promise.all([createUser(connect), createUser(connect), createUser(connect)]);
    expect(
      setup.fake
        .calls("POST /v2/fulfillment/users")
        .slice(-3)
        .map((c) => c.headers.authorization),
    ).toEqual(Array(3).fill("Bearer tok-1"));
    await vi.waitFor(() => expect(setup.fake.issued).toEqual(["tok-1", "tok-2"]));
    await createUser(connect);
    expect(setup.fake.calls("POST /v2/fulfillment/users").at(-1)!.headers.authorization).toBe("Bearer tok-2");
    expect(setup.fake.tokenRequests).toHaveLength(2);
  });

  it("never refreshes earlier than half-way through a token's life, whatever the margin", async () => {
    setup.fake.expiresIn = 2;
    const connect = client({ tokenRefreshMargin: 60_000 });
    await createUser(connect);
    await setup.clock.advance(999);
    await createUser(connect);
    expect(setup.fake.tokenRequests).toHaveLength(1);
    await setup.clock.advance(1);
    await createUser(connect);
    await vi.waitFor(() => expect(setup.fake.tokenRequests).toHaveLength(2));
  });

  it("waits for a new token once the cached one has expired", async () => {
    setup.fake.expiresIn = 1;
    const connect = client({ tokenRefreshMargin: 0 });
    await createUser(connect);
    await setup.clock.advance(1_000);
    await createUser(connect);
    expect(setup.fake.calls("POST /v2/fulfillment/users").map((c) => c.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("rejects every waiting call with a ConnectAuthError carrying Instacart's message, then tries again on the next call", async () => {
    setup.fake.on(
      "POST /v2/oauth/token",
      { status: 401, body: { error: "invalid_client", error_description: "Client authentication failed" }, delay: 30 },
      issueToken,
    );
    const connect = client();
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => createUser(connect, `u-${i}`)));
    expect(setup.fake.tokenRequests).toHaveLength(1);
    for (const result of settled) {
      expect(result.status).toBe("rejected");
      const error = (result as PromiseRejectedResult).reason as ConnectAuthError;
      expect(error).toBeInstanceOf(ConnectAuthError);
      expect(error.status).toBe(401);
      expect(error.code).toBe("invalid_client");
      expect(error.message).toContain("invalid_client: Client authentication failed");
    }
    expect(setup.fake.calls("POST /v2/fulfillment/users")).toHaveLength(0);
    const { response } = await createUser(connect);
    expect(response.ok).toBe(true);
    expect(setup.fake.tokenRequests).toHaveLength(2);
  });

  it("fails with a ConnectAuthError when the token response has no access_token", async () => {
    setup.fake.on("POST /v2/oauth/token", { body: { token_type: "Bearer", expires_in: 86400, created_at: 1 } });
    await expect(createUser(client())).rejects.toThrow(/without an access_token/);
  });

  it("caches tokens per scope: a scope override gets its own token", async () => {
    const a = client();
    const b = client({ scope: "connect:fulfillment,connect:data_ingestion" });
    await createUser(a);
    await createUser(b);
    expect(setup.fake.tokenRequests.map((r) => (r.json as { scope?: string }).scope)).toEqual([
      "connect:fulfillment",
      "connect:fulfillment,connect:data_ingestion",
    ]);
  });

  it("uses the scope override for every token request", async () => {
    await createUser(client({ scope: "" }));
    expect(setup.fake.tokenRequests[0]!.json).not.toHaveProperty("scope");
  });
});

describe("accessToken option", () => {
  it("sends a fixed token and never calls the token endpoint", async () => {
    const connect = createConnectClient({ server: setup.fake.url, accessToken: "fixed-token-abc" });
    await createUser(connect);
    expect(setup.fake.tokenRequests).toHaveLength(0);
    expect(setup.fake.calls("POST /v2/fulfillment/users")[0]!.headers.authorization).toBe("Bearer fixed-token-abc");
  });

  it("calls a token function per call with the operation's grant, scope and operation id", async () => {
    const accessToken = vi.fn(async () => "fn-token");
    const connect = createConnectClient({ server: setup.fake.url, accessToken });
    await createUser(connect);
    expect(accessToken).toHaveBeenCalledWith({
      grant: "client_credentials",
      scope: "connect:fulfillment",
      operationId: "createUser",
      refresh: false,
    });
    expect(setup.fake.calls("POST /v2/fulfillment/users")[0]!.headers.authorization).toBe("Bearer fn-token");
  });

  it("refuses both credentials and accessToken, or neither", () => {
    expect(() => createConnectClient({ server: setup.fake.url, clientId: "a", clientSecret: "b", accessToken: "t" })).toThrow(
      ConnectConfigError,
    );
    expect(() => createConnectClient({ server: setup.fake.url })).toThrow(/credentials are required/);
    expect(() => createConnectClient({ server: setup.fake.url, clientId: "a" })).toThrow(/`clientId` and `clientSecret` together/);
  });
});

describe("user tokens", () => {
  it('encodes the assertion as Base64 of {"user_id": …}', () => {
    expect(userAssertion("johnsmith6000")).toBe("eyJ1c2VyX2lkIjoiam9obnNtaXRoNjAwMCJ9");
    expect(JSON.parse(Buffer.from(userAssertion('a"b'), "base64").toString("utf8"))).toEqual({ user_id: 'a"b' });
  });

  it("createUserToken mints a fresh user access token every time (not cached)", async () => {
    const connect = client();
    const first = await connect.createUserToken("johnsmith6000", "connect:post_checkout");
    const second = await connect.createUserToken("johnsmith6000", "connect:post_checkout");
    expect(first.access_token).toBe("tok-1");
    expect(second.access_token).toBe("tok-2");
    expect(first.expires_in).toBe(86_400);
    expect(setup.fake.tokenRequests[0]!.json).toEqual({
      client_id: "client-1",
      client_secret: SECRET,
      grant_type: "fulfillment_user_assertion",
      scope: "connect:post_checkout",
      assertion: userAssertion("johnsmith6000"),
    });
  });

  it("createUserToken needs a user and client credentials", async () => {
    await expect(client().createUserToken("", "connect:post_checkout")).rejects.toThrow(ConnectConfigError);
    await expect(
      createConnectClient({ server: setup.fake.url, accessToken: "t" }).createUserToken("u", "connect:post_checkout"),
    ).rejects.toThrow(/clientId and clientSecret/);
  });

  it("forUser needs a non-empty user ID", () => {
    expect(() => client().forUser("")).toThrow(ConnectConfigError);
  });
});

describe("401 from an API call", () => {
  it("drops the cached token, fetches a new one and retries once with the same body", async () => {
    setup.fake.on(
      "POST /v2/fulfillment/users",
      { status: 401, body: { error: { message: "Unauthorized" } } },
      { body: { user_id: "u-1", first_name: "Ada" } },
    );
    const { data, response } = await createUser(client());
    expect(response.status).toBe(200);
    expect(data).toEqual({ user_id: "u-1", first_name: "Ada" });
    const calls = setup.fake.calls("POST /v2/fulfillment/users");
    expect(calls.map((c) => c.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(calls[1]!.body).toBe(calls[0]!.body);
    expect(setup.fake.tokenRequests).toHaveLength(2);
  });

  it("throws a ConnectAuthError on a second 401, with Instacart's message", async () => {
    setup.fake.on("POST /v2/fulfillment/users", { status: 401, body: { error: { message: "Token expired", code: null } } });
    const error = await createUser(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect((error as ConnectAuthError).status).toBe(401);
    expect((error as ConnectAuthError).message).toContain(
      "createUser (POST /v2/fulfillment/users) was refused with HTTP 401 with a fresh token: Token expired",
    );
    expect(setup.fake.calls("POST /v2/fulfillment/users")).toHaveLength(2);
  });

  it("does not retry a fixed accessToken: the first 401 is a ConnectAuthError", async () => {
    setup.fake.on("POST /v2/fulfillment/users", { status: 401, body: { error: { message: "Unauthorized" } } });
    const connect = createConnectClient({ server: setup.fake.url, accessToken: "fixed" });
    await expect(createUser(connect)).rejects.toBeInstanceOf(ConnectAuthError);
    expect(setup.fake.calls("POST /v2/fulfillment/users")).toHaveLength(1);
  });

  it("asks a token function for a fresh token after a 401", async () => {
    setup.fake.on("POST /v2/fulfillment/users", { status: 401, body: {} }, { body: { user_id: "u" } });
    const accessToken = vi.fn(async ({ refresh }: { refresh: boolean }) => (refresh ? "fresh" : "stale"));
    await createUser(createConnectClient({ server: setup.fake.url, accessToken }));
    expect(setup.fake.calls("POST /v2/fulfillment/users").map((c) => c.headers.authorization)).toEqual(["Bearer stale", "Bearer fresh"]);
  });
});

describe("revokeTokens", () => {
  it("revokes every cached token through POST /v2/oauth/token/revoke and empties the cache", async () => {
    const connect = client();
    await createUser(connect);
    await connect.POST("/v2/fulfillment/users", { body: { user_id: "x", first_name: "A" } });
    const result = await connect.revokeTokens();
    expect(result).toEqual({ revoked: 1, failed: [] });
    const revokes = setup.fake.calls("POST /v2/oauth/token/revoke");
    expect(revokes.map((r) => r.json)).toEqual([{ client_id: "client-1", client_secret: SECRET, token: "tok-1" }]);
    await createUser(connect);
    expect(setup.fake.tokenRequests).toHaveLength(2);
  });

  it("reports failed revocations with Instacart's OAuth error and still empties the cache", async () => {
    const connect = client();
    await createUser(connect);
    setup.fake.on("POST /v2/oauth/token/revoke", { status: 403, body: { error: "unauthorized_client" } });
    const result = await connect.revokeTokens();
    expect(result.revoked).toBe(0);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]).toBeInstanceOf(ConnectAuthError);
    expect(result.failed[0]!.message).toContain("HTTP 403: unauthorized_client");
    expect(await connect.revokeTokens()).toEqual({ revoked: 0, failed: [] });
  });
});
