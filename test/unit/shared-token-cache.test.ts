/**
 * The `tokenCache` option (a token cache the processes of an application share) with an in-memory
 * fake of such a cache, and `createClientToken`. Several clients on one fake stand for several
 * processes. The client's own clock is a test clock: waiting for another process's token moves only
 * with `advance`. (The same on a real Redis, with worker processes: test/stores/redis-token-cache.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectConfigError, createConnectClient, type SharedTokenCache } from "../../src/index.ts";
import { issueToken } from "../support/fake-connect.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const SECRET = "shared-s3cret-value";
const setup = fakeConnectPerTest(SECRET);
afterEach(() => {
  vi.restoreAllMocks();
});
const USERS = "POST /v2/fulfillment/users";

/** A shared cache in memory, with delete-if-same and (optionally) a lock; `failing` makes every operation throw. */
function fakeCache(options: { lock?: boolean } = {}) {
  const values = new Map<string, string>();
  const locks = new Set<string>();
  const state = { failing: false, deletes: [] as string[] };
  const fail = (): void => {
    if (state.failing) throw new Error("cache unreachable");
  };
  const cache: SharedTokenCache = {
    get: async (key) => {
      fail();
      return values.get(key);
    },
    set: async (key, value) => {
      fail();
      values.set(key, value);
    },
    delete: async (key, value) => {
      fail();
      state.deletes.push(value);
      if (values.get(key) === value) values.delete(key);
    },
  };
  if (options.lock) {
    cache.lock = async (key) => {
      fail();
      if (locks.has(key)) return undefined;
      locks.add(key);
      return () => void locks.delete(key);
    };
  }
  return { cache, values, locks, state };
}

const client = (tokenCache: SharedTokenCache, extra: Record<string, unknown> = {}) => setup.client({ tokenCache, ...extra });
const createUser = (connect: ReturnType<typeof client>) =>
  connect.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } });
const authorizations = () => setup.fake.calls(USERS).map((call) => call.headers.authorization);

describe("a shared token cache", () => {
  it("gives a second process the first one's token: no second token request", async () => {
    const { cache } = fakeCache({ lock: true });
    await createUser(client(cache));
    await createUser(client(cache));
    expect(setup.fake.tokenRequests).toHaveLength(1);
    expect(authorizations()).toEqual(["Bearer tok-1", "Bearer tok-1"]);
  });

  it("on a cold cache, 8 processes at once make one token request: the lock holder asks, the others wait for its token", async () => {
    const { cache, values, locks } = fakeCache({ lock: true });
    setup.fake.on("POST /v2/oauth/token", (request, f) => ({ ...(issueToken(request, f) as object), delay: 20 }));
    const calls = Promise.all(Array.from({ length: 8 }, () => createUser(client(cache))));
    // The lock holder's token is stored; the others, waiting on the test clock, find it when it moves.
    await vi.waitFor(() => expect(values.size).toBe(1));
    for (let i = 0; i < 20 && setup.fake.calls(USERS).length < 8; i++) await setup.clock.advance(500);
    await calls;
    expect(setup.fake.tokenRequests).toHaveLength(1);
    expect(authorizations()).toEqual(Array(8).fill("Bearer tok-1"));
    expect(locks.size).toBe(0);
  });

  it("without a lock, works too (each process that misses asks for its own token)", async () => {
    const { cache, values } = fakeCache();
    await createUser(client(cache));
    await createUser(client(cache));
    expect(setup.fake.tokenRequests).toHaveLength(1);
    expect([...values.values()]).toHaveLength(1);
  });

  it("drops a token refused with 401 by delete-if-same only: a fresher token another process stored stays", async () => {
    const { cache, values, state } = fakeCache({ lock: true });
    const first = client(cache);
    const second = client(cache);
    await createUser(first);
    await createUser(second); // both hold tok-1 in memory now
    const refuseFirstToken = (request: { headers: Record<string, unknown> }) =>
      request.headers.authorization === "Bearer tok-1"
        ? { status: 401, body: { error: { message: "token expired" } } }
        : { body: { ok: true } };
    setup.fake.on(USERS, refuseFirstToken);
    await createUser(first); // 401 → drops tok-1 from the shared cache, stores tok-2
    expect([...values.values()][0]).toMatch(/ tok-2$/);
    await createUser(second); // 401 with tok-1 → its delete-if-same leaves tok-2; it takes tok-2 from the cache
    expect(setup.fake.tokenRequests).toHaveLength(2);
    // Each: refused with tok-1, then sent again with tok-2.
    expect(authorizations().slice(2)).toEqual(["Bearer tok-1", "Bearer tok-2", "Bearer tok-1", "Bearer tok-2"]);
    expect([...values.values()][0]).toMatch(/ tok-2$/);
    expect(state.deletes.every((value) => value.endsWith(" tok-1"))).toBe(true);
  });

  it("renews a shared token inside the refresh margin, and ignores an expired one", async () => {
    const { cache } = fakeCache({ lock: true });
    setup.fake.expiresIn = 3600;
    await createUser(client(cache));
    await setup.clock.advance(3_600_000 - 30_000); // inside the 60 s margin
    await createUser(client(cache));
    expect(setup.fake.tokenRequests).toHaveLength(2);
    await setup.clock.advance(3_600_000);
    await createUser(client(cache));
    expect(setup.fake.tokenRequests).toHaveLength(3);
  });

  it("never stores the client secret: keys name the server, the client ID, the grant, the scope and the user", async () => {
    const { cache, values } = fakeCache({ lock: true });
    const connect = client(cache);
    await createUser(connect);
    await connect.forUser("ada").GET("/v2/post_checkout/orders/{order_id}", { params: { path: { order_id: "o-1" } } });
    const keys = [...values.keys()];
    expect(keys).toEqual([
      JSON.stringify([setup.fake.url, "client-1", "client_credentials", "connect:fulfillment", null]),
      JSON.stringify([setup.fake.url, "client-1", "fulfillment_user_assertion", "connect:post_checkout", "ada"]),
    ]);
    expect(JSON.stringify([...values])).not.toContain(SECRET);
  });

  it("leaves out a cache that fails: the call gets its own token, and a warning says why", async () => {
    const { cache, state } = fakeCache({ lock: true });
    state.failing = true;
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const { response } = await createUser(client(cache));
    expect(response.status).toBe(200);
    expect(setup.fake.tokenRequests).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(
      "instacart-connect: the tokenCache hook threw: cache unreachable",
      expect.objectContaining({ code: "INSTACART_CONNECT_HOOK_ERROR" }),
    );
  });

  it("revokeTokens drops the revoked tokens from the shared cache too", async () => {
    const { cache, values } = fakeCache({ lock: true });
    const connect = client(cache);
    await createUser(connect);
    expect(values.size).toBe(1);
    expect(await connect.revokeTokens()).toEqual({ revoked: 1, failed: [] });
    await vi.waitFor(() => expect(values.size).toBe(0));
  });

  it("is checked when the client is created: get, set and delete (lock optional), with client credentials", () => {
    const { cache } = fakeCache();
    const make =
      (tokenCache: unknown, extra: Record<string, unknown> = {}) =>
      () =>
        client(tokenCache as SharedTokenCache, extra);
    expect(make({ get() {}, set() {} })).toThrow(ConnectConfigError);
    expect(make({ ...cache, lock: "yes" })).toThrow(ConnectConfigError);
    expect(make(null)).toThrow(ConnectConfigError);
    expect(make(cache, { clientId: undefined, clientSecret: undefined, accessToken: "t" })).toThrow(
      /`tokenCache` needs `get`, `set` and `delete` functions \(`lock` optional\), and `clientId` and `clientSecret`/,
    );
    expect(make(cache)).not.toThrow();
  });
});

describe("createClientToken", () => {
  const plain = () => createConnectClient({ server: setup.fake.url, clientId: "client-1", clientSecret: SECRET, clock: setup.clock });

  it("mints a client-credentials token for the scope, every time (not cached)", async () => {
    const connect = plain();
    const first = await connect.createClientToken("connect:fulfillment");
    const second = await connect.createClientToken("connect:fulfillment");
    expect([first.access_token, second.access_token]).toEqual(["tok-1", "tok-2"]);
    expect(setup.fake.tokenRequests.map((r) => r.json)).toEqual([
      { client_id: "client-1", client_secret: SECRET, grant_type: "client_credentials", scope: "connect:fulfillment" },
      { client_id: "client-1", client_secret: SECRET, grant_type: "client_credentials", scope: "connect:fulfillment" },
    ]);
    // A call still gets its own cached token.
    await plain().POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } });
    expect(setup.fake.tokenRequests).toHaveLength(3);
  });

  it("needs a scope and client credentials", async () => {
    await expect(plain().createClientToken(undefined as never)).rejects.toThrow(/createClientToken\(scope\) needs a scope/);
    await expect(createConnectClient({ server: setup.fake.url, accessToken: "t" }).createClientToken("x")).rejects.toThrow(
      /createClientToken\(scope\) needs clientId and clientSecret/,
    );
  });
});
