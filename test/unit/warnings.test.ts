/**
 * A warning never breaks the call it is about: whatever a hook throws, and however the runtime's
 * warning channel behaves (`--throw-deprecation`, a console that throws). A value `String()` cannot
 * convert, thrown by the caller's own code, still ends as the typed error.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createConnectClient, type ConnectClientOptions } from "../../src/index.ts";
import { ConnectAuthError } from "../../src/index.ts";
import { messageOf } from "../../src/errors.ts";
import { emitWarning } from "../../src/warnings.ts";
import { fakeConnectPerTest } from "../support/fake-connect-setup.ts";

const setup = fakeConnectPerTest();
afterEach(() => {
  vi.restoreAllMocks();
});

const client = (options: Partial<ConnectClientOptions> = {}) => setup.client({ maxRetries: 0, ...options });

describe("a hook that throws something String() cannot convert", () => {
  it("completes the call and names the hook in the warning", async () => {
    const emit = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const odd = (): never => {
      throw Object.create(null);
    };
    const { response } = await client({ hooks: { onRequest: odd, onResponse: odd, onTokenRefresh: odd } }).GET(
      "/v2/fulfillment/users/{user_id}/link",
      { params: { path: { user_id: "u-1" } } },
    );
    expect(response.status).toBe(200);
    const warnings = emit.mock.calls.map(([message]) => String(message));
    for (const hook of ["onRequest", "onResponse", "onTokenRefresh"]) {
      expect(warnings).toContain(`instacart-connect: the ${hook} hook threw: a value that cannot be converted to a string (object)`);
    }
  });

  it("describes errors, strings and values with a throwing toString", () => {
    expect(messageOf(new Error("down"))).toBe("down");
    expect(messageOf("down")).toBe("down");
    expect(messageOf({ toString: () => Symbol("x") })).toBe("a value that cannot be converted to a string (object)");
  });
});

describe("the caller's code throwing something String() cannot convert", () => {
  const odd = (): never => {
    throw Object.create(null);
  };
  const path = "/v2/fulfillment/users/{user_id}/link" as const;
  const params = { path: { user_id: "u-1" } };

  it("an accessToken function: a ConnectAuthError, nothing sent", async () => {
    const connect = createConnectClient({ server: setup.fake.url, accessToken: odd, maxRetries: 0 });
    const error = await connect.GET(path, { params }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect((error as Error).message).toBe("the accessToken function failed: a value that cannot be converted to a string (object)");
    expect(setup.fake.requests).toHaveLength(0);
  });

  it("a fetch that fails the token request: a ConnectAuthError naming the token request", async () => {
    const error = await client({ fetch: async () => odd() })
      .GET(path, { params })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConnectAuthError);
    expect((error as Error).message).toMatch(/^client-credentials token request \(scope [^)]+\) failed: /);
  });
});

describe("the warning channel", () => {
  it("falls back to the console when process.emitWarning throws (--throw-deprecation), and the deprecated call completes", async () => {
    vi.spyOn(process, "emitWarning").mockImplementation(() => {
      throw new Error("thrown by --throw-deprecation");
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { response } = await client().GET("/v2/fulfillment/users/{user_id}/orders", { params: { path: { user_id: "u-1" } } });
    expect(response.status).toBe(200);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/^DeprecationWarning \[INSTACART_CONNECT_DEPRECATED\]: Instacart Connect: listOrders/);
  });

  it("stays silent rather than throw when neither process.emitWarning nor the console can print", () => {
    vi.spyOn(process, "emitWarning").mockImplementation(() => {
      throw new Error("no");
    });
    vi.spyOn(console, "warn").mockImplementation(() => {
      throw new Error("no console");
    });
    expect(() => emitWarning("message", { code: "X" })).not.toThrow();
  });
});
