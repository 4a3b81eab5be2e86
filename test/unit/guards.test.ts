/**
 * What the client refuses, and what it survives: options that would send a request (and its token)
 * elsewhere, hooks that throw, tokens that cannot be sent, and the token cache's bounds.
 */
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import {
  ConnectAuthError,
  ConnectConfigError,
  ConnectRequestError,
  createConnectClient,
  type ConnectClientOptions,
} from "../../src/index.ts";
import { redactHeaders } from "../../src/transport/hooks.ts";
import { parseRetryAfter } from "../../src/transport/retry.ts";
import { createTestClock } from "../support/clock.ts";
import { issueToken } from "../support/fake-connect.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const SECRET = "guard-secret-8f3a9c1e";
const setup = fakeConnectPerTest(SECRET);
/** A second server, where nothing may arrive. */
const other = fakeConnectPerTest();
/** A client on the real clock (the test that lets a token expire brings a test clock). Backoff is 0 ms. */
const client = (extra: Partial<ConnectClientOptions> = {}) =>
  createConnectClient({ server: setup.fake.url, clientId: "client-1", clientSecret: SECRET, retryDelay: 0, ...extra });
const body = { user_id: "u", first_name: "A" };

describe("requests go only to the configured server", () => {
  it("refuses a per-call baseUrl, fetch or pathSerializer before anything is sent", async () => {
    for (const init of [{ baseUrl: other.fake.url }, { fetch: globalThis.fetch }, { pathSerializer: () => "/x" }]) {
      const call = client().POST("/v2/fulfillment/users", { body, ...(init as object) } as never);
      await expect(call).rejects.toThrow(ConnectRequestError);
      await expect(call).rejects.toThrow(/unknown call option/);
    }
    expect(setup.fake.requests).toHaveLength(0);
    expect(other.fake.requests).toHaveLength(0);
  });

  it("refuses a misspelled call option instead of ignoring it", async () => {
    const call = client().POST("/v2/fulfillment/users", { body, idempotant: true } as never);
    await expect(call).rejects.toThrow(/createUser \(POST \/v2\/fulfillment\/users\): unknown call option `idempotant`/);
  });

  it("refuses a request a middleware pointed at another host, without fetching a token for it", async () => {
    const connect = client();
    connect.use({ onRequest: ({ request }) => new Request(request.url.replace(setup.fake.url, other.fake.url), request) });
    await expect(connect.POST("/v2/fulfillment/users", { body })).rejects.toThrow(/refusing to send a request outside/);
    expect(other.fake.requests).toHaveLength(0);
    expect(setup.fake.tokenRequests).toHaveLength(0);
  });
});

describe("hooks never break a call", () => {
  it("reports a throwing onResponse, onRetry or onTokenRefresh hook and completes the call (a create is not lost)", async () => {
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      setup.fake.on("POST /v2/fulfillment/users", { status: 429, body: {} }, { body: { user_id: "u" } });
      const boom = (): never => {
        throw new Error(`logger down ${SECRET}`);
      };
      const { data } = await client({ hooks: { onRequest: boom, onResponse: boom, onRetry: boom, onTokenRefresh: boom } }).POST(
        "/v2/fulfillment/users",
        { body },
      );
      expect(data).toEqual({ user_id: "u" });
      expect(setup.fake.calls("POST /v2/fulfillment/users")).toHaveLength(2);
      const warnings = emit.mock.calls.map(([message]) => String(message));
      for (const hook of ["onRequest", "onResponse", "onRetry", "onTokenRefresh"]) {
        expect(warnings.some((w) => w.includes(`the ${hook} hook threw: logger down [redacted]`))).toBe(true);
      }
      expect(warnings.join("\n")).not.toContain(SECRET);
    } finally {
      emit.mockRestore();
    }
  });

  it("reports a throwing onDeprecation handler and completes the call", async () => {
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    try {
      const { response } = await client({
        onDeprecation: () => {
          throw new Error("handler down");
        },
      }).POST("/v2/fulfillment/lastmile/service_options", { body: { location_code: "5120" } });
      expect(response.status).toBe(200);
      expect(emit.mock.calls.some(([message]) => String(message).includes("the onDeprecation hook threw: handler down"))).toBe(true);
    } finally {
      emit.mockRestore();
    }
  });
});

describe("tokens that cannot be sent, and what the token endpoint echoes", () => {
  it("refuses an access_token with a line break, without showing it", async () => {
    setup.fake.on("POST /v2/oauth/token", {
      body: { access_token: "abc\r\nX-Evil: 1", token_type: "Bearer", expires_in: 60, created_at: 1 },
    });
    const error = (await client()
      .POST("/v2/fulfillment/users", { body })
      .catch((e: unknown) => e)) as ConnectAuthError;
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect(error.message).toMatch(/characters an Authorization header cannot carry/);
    expect(inspect(error, { depth: 5 })).not.toContain("X-Evil");
    expect(setup.fake.calls("POST /v2/fulfillment/users")).toHaveLength(0);
  });

  it("refuses such a fixed accessToken at construction", () => {
    expect(() => createConnectClient({ server: setup.fake.url, accessToken: "abc\ndef" })).toThrow(ConnectConfigError);
  });

  it("wraps a failing accessToken function in a ConnectAuthError", async () => {
    const connect = createConnectClient({ server: setup.fake.url, accessToken: () => Promise.reject(new Error("vault sealed")) });
    await expect(connect.POST("/v2/fulfillment/users", { body })).rejects.toThrow(/the accessToken function failed: vault sealed/);
  });

  it("scrubs the secret from the OAuth error name it keeps as `code`", async () => {
    setup.fake.on("POST /v2/oauth/token", { status: 400, body: { error: `bad_secret_${SECRET}` } });
    const error = (await client()
      .POST("/v2/fulfillment/users", { body })
      .catch((e: unknown) => e)) as ConnectAuthError;
    expect(error.code).toBe("bad_secret_[redacted]");
    expect(JSON.stringify(error) + inspect(error, { depth: 5, showHidden: true })).not.toContain(SECRET);
  });

  it("keeps no cause quoting a token endpoint's invalid JSON", async () => {
    setup.fake.on("POST /v2/oauth/token", { raw: `{"access_token": "tok-SECRET-VALUE"`, headers: { "content-type": "application/json" } });
    const error = (await client()
      .POST("/v2/fulfillment/users", { body })
      .catch((e: unknown) => e)) as ConnectAuthError;
    expect(error.message).toMatch(/answered with invalid JSON/);
    expect(inspect(error, { depth: 5, showHidden: true })).not.toContain("tok-SECRET-VALUE");
  });

  it("redacts Authorization values with or without a scheme for hooks", () => {
    const shown = redactHeaders(new Headers({ authorization: "Bearer abc", "proxy-authorization": "rawsecret" }));
    expect(shown).toEqual({ authorization: "Bearer [redacted]", "proxy-authorization": "[redacted]" });
  });
});

describe("token cache bounds and revocation", () => {
  it("revokes only live tokens, at most 8 at a time", async () => {
    // Revocations in flight, counted where the client sends them.
    let current = 0;
    let peak = 0;
    const fetch = async (request: Request): Promise<Response> => {
      const revoke = request.url.endsWith("/v2/oauth/token/revoke");
      if (revoke) peak = Math.max(peak, ++current);
      try {
        return await globalThis.fetch(request);
      } finally {
        if (revoke) current -= 1;
      }
    };
    setup.fake.on("POST /v2/oauth/token/revoke", { body: {}, delay: 20 });
    const connect = client({ fetch });
    for (let i = 0; i < 20; i++)
      await connect.forUser(`u-${i}`).POST("/v2/recommendations/replacement_items", {
        body: { location_code: "3012", items: [{ item: { upc: "1" } }] },
      });
    expect(await connect.revokeTokens()).toEqual({ revoked: 20, failed: [] });
    expect(setup.fake.calls("POST /v2/oauth/token/revoke")).toHaveLength(20);
    expect(peak).toBe(8);
  });

  it("skips tokens that have already expired", async () => {
    setup.fake.expiresIn = 1;
    const clock = createTestClock();
    const connect = client({ tokenRefreshMargin: 0, clock });
    await connect.POST("/v2/fulfillment/users", { body });
    await clock.advance(1_000);
    expect(await connect.revokeTokens()).toEqual({ revoked: 0, failed: [] });
    expect(setup.fake.calls("POST /v2/oauth/token/revoke")).toHaveLength(0);
  });

  it("does not cache a token whose request started before revokeTokens", async () => {
    // The token is answered only once revokeTokens has returned.
    let answer = (): void => {};
    const revoked = new Promise<void>((resolve) => (answer = resolve));
    setup.fake.on("POST /v2/oauth/token", (request, f) => ({ ...(issueToken(request, f) as object), until: revoked }));
    const connect = client();
    const first = connect.POST("/v2/fulfillment/users", { body });
    await vi.waitFor(() => expect(setup.fake.tokenRequests).toHaveLength(1), { interval: 2 });
    await connect.revokeTokens();
    answer();
    await first;
    await connect.POST("/v2/fulfillment/users", { body });
    expect(setup.fake.calls("POST /v2/fulfillment/users").map((c) => c.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });
});

describe("Retry-After", () => {
  it("reads only delta-seconds or an HTTP date (no 2001 dates from `1.5` or `-1`)", () => {
    expect(parseRetryAfter("1.5", Date.now())).toBeUndefined();
    expect(parseRetryAfter("-1", Date.now())).toBeUndefined();
    expect(parseRetryAfter("3", Date.now())).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT") - 5000)).toBe(5000);
  });
});
