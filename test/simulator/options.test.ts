/** Options are checked when the simulator starts; every store of state is bounded; reset forgets. */
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function call(simulator: Simulator, path: string, body: unknown, token?: string): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await simulator.fetch(`${simulator.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const tokenOf = async (simulator: Simulator): Promise<string> =>
  (
    (
      await call(simulator, "/v2/oauth/token", {
        client_id: simulator.clientId,
        client_secret: simulator.clientSecret,
        grant_type: "client_credentials",
      })
    ).body as { access_token: string }
  ).access_token;

describe("createSimulator options", () => {
  it.each([
    [{ clientId: "" }, "clientId must be a non-empty string"],
    [{ tokenLifetime: 0 }, "tokenLifetime must be a positive integer"],
    [{ port: 70_000 }, "port must be an integer from 0 to 65535"],
    [{ stores: [] }, "stores must be a non-empty array"],
    [
      { callbacks: { url: "/relative", tokenUrl: "http://r.test/t", clientId: "i", clientSecret: "s" } },
      "callbacks.url must be an absolute URL",
    ],
    [
      { callbacks: { url: "http://r.test/c", tokenUrl: "http://r.test/t", clientId: "i", clientSecret: "s", duplicate: 2 } },
      "callbacks.duplicate must be between 0 and 1",
    ],
    [{ limits: { maxRecords: -1 } }, "limits.maxRecords must be a positive integer"],
    [{ clock: { start: "not a date" } }, "clock.start is not a valid time"],
  ])("refuses %o", async (options, message) => {
    await expect(createSimulator({ listen: false, ...options })).rejects.toThrow(message);
  });

  it("serves the stores it is given", async () => {
    sim = await createSimulator({
      listen: false,
      stores: [{ location_code: "s-9", name: "Corner Shop", flags: { alcohol: false, pickup: true }, postal_codes: ["94105"] }],
    });
    const token = await tokenOf(sim);
    expect((await call(sim, "/v2/fulfillment/stores/pickup", { find_by: { postal_code: "94105" } }, token)).body).toEqual({
      stores: [{ name: "Corner Shop", location_code: "s-9", flags: { alcohol: false, pickup: true } }],
    });
    expect((await call(sim, "/v2/fulfillment/stores/pickup", { find_by: { postal_code: "60601" } }, token)).body).toEqual({ stores: [] });
  });
});

describe("bounds", () => {
  it("refuses a body over limits.maxBodyBytes (413) and a record over limits.maxRecords (503)", async () => {
    sim = await createSimulator({ listen: false, limits: { maxBodyBytes: 150, maxRecords: 2 } });
    const token = await tokenOf(sim);
    expect((await call(sim, "/v2/fulfillment/users", { user_id: "x".repeat(200), first_name: "A" }, token)).status).toBe(413);
    expect((await call(sim, "/v2/fulfillment/users", { user_id: "a", first_name: "A" }, token)).status).toBe(200);
    expect((await call(sim, "/v2/fulfillment/users", { user_id: "b", first_name: "B" }, token)).status).toBe(200);
    const full = await call(sim, "/v2/fulfillment/users", { user_id: "c", first_name: "C" }, token);
    expect(full).toMatchObject({ status: 503, body: { error: { message: expect.stringContaining("at most 2 users") } } });
  });

  it("keeps the newest limits.maxLogEntries requests, and reset forgets state, tokens and logs", async () => {
    sim = await createSimulator({ listen: false, limits: { maxLogEntries: 3 } });
    const token = await tokenOf(sim);
    for (const id of ["a", "b", "c", "d"]) await call(sim, "/v2/fulfillment/users", { user_id: id, first_name: "A" }, token);
    expect(sim.requests.map((request) => (request.body as { user_id: string }).user_id)).toEqual(["b", "c", "d"]);
    sim.reset();
    expect(sim.requests).toEqual([]);
    expect((await call(sim, "/v2/fulfillment/users", { user_id: "e", first_name: "A" }, token)).status).toBe(401);
  });
});
