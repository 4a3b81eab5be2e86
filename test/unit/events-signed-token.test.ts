/**
 * Callback tokens any instance can check (signed by createCallbackTokenHandler's default issuer,
 * checked by createCallbackTokenVerifier), and the RFC 6750 b64token syntax the token endpoint
 * issues and the callback handler accepts.
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  ConnectConfigError,
  createCallbackHandler,
  createCallbackTokenHandler,
  createCallbackTokenVerifier,
  type CallbackEvent,
} from "../../src/index.ts";
import { deliver, eventBody, requestCallbackToken, serve, type LocalServer } from "./callback-server.ts";

const CLIENT = { clientId: "instacart-callbacks", clientSecret: "s3cret-for-tests" };
const SIGNING_SECRET = "a-shared-signing-secret-of-32-bytes-or-more";
const FORM = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, grant_type: "client_credentials" };

const servers: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A token request the way Instacart sends it, to a Fetch handler directly. */
async function requestToken(handler: (request: Request) => Promise<Response>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await handler(new Request("http://receiver.test/oauth/token", { method: "POST", body: new URLSearchParams(FORM) }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function issuedToken(options: { signingSecret: string | string[]; expiresIn?: number }): Promise<string> {
  const { status, body } = await requestToken(createCallbackTokenHandler({ ...CLIENT, ...options }));
  expect(status).toBe(200);
  return String(body.access_token);
}

describe("signed callback tokens", () => {
  it("issues a signed token by default that the verifier with the same secret accepts", async () => {
    const token = await issuedToken({ signingSecret: SIGNING_SECRET });
    expect(token).toMatch(/^ict1\.\d+\.[\w-]{22}\.[\w-]{43}$/);
    expect(await createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET })(token)).toBe(true);
  });

  it("lets a callback that lands on another receiver instance through with a token the first one issued", async () => {
    const events: string[][] = [[], []];
    const instances = await Promise.all(
      [0, 1].map(async (index) => {
        const tokens = createCallbackTokenHandler({ ...CLIENT, signingSecret: SIGNING_SECRET });
        const callbacks = createCallbackHandler({
          authorize: createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET }),
          onEvent: (event: CallbackEvent) => void events[index]!.push(event.event_id),
        });
        const server = await serve((request) => (new URL(request.url).pathname === "/oauth/token" ? tokens(request) : callbacks(request)));
        servers.push(server);
        return server.origin;
      }),
    );
    const { accessToken: token } = await requestCallbackToken(instances[0]!, CLIENT);
    expect((await deliver(instances[1]!, eventBody("11", "fulfillment.brand_new"), token)).status).toBe(200);
    expect((await deliver(instances[0]!, eventBody("12", "fulfillment.brand_new"), token)).status).toBe(200);
    expect(events).toEqual([["12"], ["11"]]);
  });

  it("refuses a token signed with another secret, an altered token and an expired one", async () => {
    let now = Date.now();
    const verify = createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET, clockToleranceSeconds: 0, now: () => now });
    const other = await issuedToken({ signingSecret: "another-secret-that-is-32-bytes-long!!" });
    expect(await verify(other)).toBe(false);
    const token = await issuedToken({ signingSecret: SIGNING_SECRET, expiresIn: 60 });
    const [prefix, expiry, nonce, signature] = token.split(".");
    expect(await verify(`${prefix}.${Number(expiry) + 1}.${nonce}.${signature}`)).toBe(false);
    expect(await verify(`${prefix}.${expiry}.${nonce}.${signature!.slice(0, -1)}${signature!.endsWith("A") ? "B" : "A"}`)).toBe(false);
    expect(await verify(token)).toBe(true);
    now += 61_000;
    expect(await verify(token)).toBe(false);
    for (const junk of ["", "ict1", "ict1...", "Bearer x", "ict1.1.2.3"]) expect(await verify(junk)).toBe(false);
  });

  it("refuses a signature spelled another way: its last character with the unused low bits set", async () => {
    const verify = createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET });
    const token = await issuedToken({ signingSecret: SIGNING_SECRET });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 32 bytes in 43 characters: the last one carries 4 bits, so 4 characters decode to the same bytes.
    const last = alphabet.indexOf(token.slice(-1));
    const spellings = [0, 1, 2, 3].map((low) => `${token.slice(0, -1)}${alphabet[(last & ~3) | low]}`);
    expect(spellings).toContain(token);
    for (const spelling of spellings) expect(await verify(spelling)).toBe(spelling === token);
  });

  it("accepts a token within the clock tolerance after its expiry (instances' clocks drift)", async () => {
    const token = await issuedToken({ signingSecret: SIGNING_SECRET, expiresIn: 60 });
    const later = Date.now() + 80_000;
    expect(await createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET, now: () => later })(token)).toBe(true);
    expect(await createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET, now: () => later + 20_000 })(token)).toBe(false);
  });

  it("rotates keys: the first secret signs, every listed secret verifies", async () => {
    const next = "the-next-signing-secret-of-32-bytes-long";
    const old = await issuedToken({ signingSecret: SIGNING_SECRET });
    const fresh = await issuedToken({ signingSecret: [next, SIGNING_SECRET] });
    const verify = createCallbackTokenVerifier({ signingSecret: [next, SIGNING_SECRET] });
    expect([await verify(old), await verify(fresh)]).toEqual([true, true]);
    expect(await createCallbackTokenVerifier({ signingSecret: SIGNING_SECRET })(fresh)).toBe(false);
  });

  it("refuses at configuration a short secret, no issuer, and both issuers", () => {
    expect(() => createCallbackTokenHandler({ ...CLIENT, signingSecret: "short" })).toThrow(ConnectConfigError);
    expect(() => createCallbackTokenVerifier({ signingSecret: new Uint8Array(31) })).toThrow(/at least 32 bytes/);
    expect(() => createCallbackTokenVerifier({ signingSecret: [] })).toThrow(ConnectConfigError);
    expect(() => createCallbackTokenHandler({ ...CLIENT })).toThrow(/signingSecret.*issueToken/);
    expect(() =>
      createCallbackTokenHandler({ ...CLIENT, signingSecret: SIGNING_SECRET, issueToken: () => ({ accessToken: "x", expiresIn: 1 }) }),
    ).toThrow(/not both/);
    expect(() => createCallbackTokenHandler({ ...CLIENT, signingSecret: SIGNING_SECRET, expiresIn: 0 })).toThrow(/expiresIn/);
  });
});

describe("the token syntax the endpoint issues is the one the handler accepts (RFC 6750 b64token)", () => {
  it.each(["tenant:uuid", "abc=def", "tok,1", "two words", 'quote"d', "ü-umlaut", `${"a".repeat(4097)}`])(
    "refuses to issue %j from a custom issuer: 500 server_error, reported to onError",
    async (accessToken) => {
      const errors: unknown[] = [];
      const handler = createCallbackTokenHandler({
        ...CLIENT,
        issueToken: () => ({ accessToken, expiresIn: 60 }),
        onError: (e) => errors.push(e),
      });
      const { status, body } = await requestToken(handler);
      expect(status).toBe(500);
      expect(body.error).toBe("server_error");
      expect(JSON.stringify(body)).not.toContain(accessToken.slice(0, 20));
      expect(errors).toEqual([expect.any(ConnectConfigError)]);
      expect(String(errors[0])).toMatch(/b64token/);
    },
  );

  it.each(["abc", "A-Z.a_z~0+9/", "dG9rZW4=", "dG9rZW4==", "x".repeat(4096)])(
    "issues %j and accepts it on a callback",
    async (accessToken) => {
      const tokens = createCallbackTokenHandler({ ...CLIENT, issueToken: () => ({ accessToken, expiresIn: 60 }) });
      const { status, body } = await requestToken(tokens);
      expect([status, body.access_token]).toEqual([200, accessToken]);
      const callbacks = createCallbackHandler({ authorize: (token) => token === accessToken, onEvent: () => undefined });
      const response = await callbacks(
        new Request("http://receiver.test/callbacks", {
          method: "POST",
          headers: { authorization: `Bearer ${accessToken}` },
          body: eventBody("1", "fulfillment.brand_new"),
        }),
      );
      expect(response.status).toBe(200);
    },
  );

  it("reports an issuer that throws", async () => {
    const errors: unknown[] = [];
    const failure = new Error("kms down");
    const handler = createCallbackTokenHandler({ ...CLIENT, issueToken: () => Promise.reject(failure), onError: (e) => errors.push(e) });
    expect((await requestToken(handler)).status).toBe(500);
    expect(errors).toEqual([failure]);
  });
});
