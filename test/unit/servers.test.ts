import { describe, expect, it } from "vitest";
import { servers } from "../../generated/operations.ts";
import { ConnectConfigError, createConnectClient, isLoopbackHost, resolveServer } from "../../src/index.ts";

describe("resolveServer", () => {
  it("maps the spec's server names to their origins", () => {
    expect(resolveServer("production")).toBe("https://connect.instacart.com");
    expect(resolveServer("development")).toBe("https://connect.dev.instacart.tools");
    expect(Object.keys(servers).sort()).toEqual(["development", "production"]);
  });

  it("accepts a custom https URL and drops a trailing slash", () => {
    expect(resolveServer("https://connect.example-partner.test/")).toBe("https://connect.example-partner.test");
    expect(resolveServer(new URL("https://proxy.example.test/instacart/"))).toBe("https://proxy.example.test/instacart");
  });

  it.each(["http://127.0.0.1:4010", "http://127.8.9.10:4010", "http://localhost:4010", "http://[::1]:4010"])(
    "allows plain HTTP to the loopback host %s",
    (url) => {
      expect(resolveServer(url)).toBe(url);
    },
  );

  it.each([
    ["http://connect.instacart.com", /plain HTTP/],
    ["http://10.0.0.1:4010", /plain HTTP/],
    ["http://128.0.0.1", /plain HTTP/],
    ["http://localhost.evil.test", /plain HTTP/],
    ["http://attacker.localhost:8080", /plain HTTP/],
    ["ftp://connect.instacart.com", /https:/],
    ["staging", /must be "production" or "development" or an absolute URL, not "staging"/],
    ["connect.instacart.com", /or an absolute URL/],
    ["https://user:pass@connect.instacart.com", /credentials/],
    ["https://connect.instacart.com/?x=1", /query/],
  ])("refuses %s", (url, message) => {
    expect(() => resolveServer(url)).toThrow(ConnectConfigError);
    expect(() => resolveServer(url)).toThrow(message);
  });

  it.each([undefined, null, ""])("refuses a missing server (%s) instead of falling back to production", (value) => {
    expect(() => resolveServer(value)).toThrow(/`server` is required/);
  });

  it("refuses a server that is not a string or URL", () => {
    expect(() => resolveServer(42)).toThrow(/not number/);
  });
});

describe("isLoopbackHost", () => {
  it("knows 127.0.0.0/8, localhost and ::1", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.255.255.254")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("126.0.0.1")).toBe(false);
    expect(isLoopbackHost("example.com")).toBe(false);
  });
});

describe("createConnectClient", () => {
  it("validates the server before anything is sent", () => {
    expect(() => createConnectClient({ server: "http://example.com", clientId: "id", clientSecret: "secret" })).toThrow(ConnectConfigError);
  });

  it("requires non-empty client credentials", () => {
    expect(() => createConnectClient({ server: "development", clientId: "", clientSecret: "secret" })).toThrow(/clientId/);
    expect(() => createConnectClient({ server: "development", clientId: "id", clientSecret: " " })).toThrow(/clientSecret/);
  });
});
