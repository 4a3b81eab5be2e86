/** Faults on demand: the client's retry, timeout and error paths meet them over HTTP and in-process alike. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ConnectClient, ConnectNetworkError, ConnectTimeoutError, unwrap } from "../../src/index.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import { clientFor, type Transport } from "./support.ts";

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const createUser = (userId: string) => ({ body: { user_id: userId, first_name: "Ada" } });

/** A client whose token is cached and whose first call compiled the validators: a short timeout then times only the fault. */
async function warmClient(simulator: Simulator, transport: Transport): Promise<ConnectClient> {
  const connect = clientFor(simulator, transport);
  await unwrap(connect.POST("/v2/fulfillment/users", createUser("warm-up")));
  return connect;
}
const statuses = (simulator: Simulator, operationId: string) =>
  simulator.requests.filter((request) => request.operationId === operationId).map((request) => request.fault ?? request.status);

describe.each<Transport>(["in-process", "http"])("faults (%s)", (transport) => {
  it("answers 429 with Retry-After, and the client retries after it", async () => {
    sim = await createSimulator({ faults: [{ fault: "rate_limit", operation: "createUser", retryAfter: 0, times: 1 }] });
    await unwrap(clientFor(sim, transport).POST("/v2/fulfillment/users", createUser("u-1")));
    expect(statuses(sim, "createUser")).toEqual(["rate_limit", 200]);
    expect(sim.requests.find((request) => request.status === 429)!.response).toEqual({ error: { message: "Too many requests" } });
  });

  it("answers 5xx in Instacart's envelope; a safe call is retried through it", async () => {
    sim = await createSimulator({ faults: [{ fault: "server_error", operation: "getOrder", status: 503, times: 2 }] });
    const connect = clientFor(sim, transport, { retryDelay: 1 });
    await unwrap(connect.POST("/v2/fulfillment/users", createUser("u-1")));
    const missing = await connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
      params: { path: { user_id: "u-1", order_id: "o-1" } },
    });
    expect(missing.response.status).toBe(404); // the third attempt reached the simulator's state
    expect(statuses(sim, "getOrder")).toEqual(["server_error", "server_error", 404]);
    expect(sim.requests.find((request) => request.status === 503)!.response).toEqual({ error: { message: "Service unavailable" } });
  });

  it("resets the connection: the client sees a network error", async () => {
    sim = await createSimulator({ faults: [{ fault: "reset", operation: "createUser" }] });
    const failure = await unwrap(clientFor(sim, transport, { maxRetries: 0 }).POST("/v2/fulfillment/users", createUser("u-1"))).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConnectNetworkError);
    expect(statuses(sim, "createUser")).toEqual(["reset"]);
  });

  it("hangs until the client times out, and close releases what still hangs", async () => {
    sim = await createSimulator();
    const connect = await warmClient(sim, transport);
    sim.faults.add({ fault: "hang", operation: "createUser" });
    const failure = await unwrap(connect.POST("/v2/fulfillment/users", { ...createUser("u-1"), timeout: 50, maxRetries: 0 })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConnectTimeoutError);
    const pending = sim.fetch(`${sim.url}/v2/fulfillment/users`, { method: "POST", body: "{}" });
    await sim.close();
    await expect(pending).rejects.toThrow("fetch failed");
  });

  it("adds latency: longer than the client's timeout it times out, within it the call succeeds", async () => {
    sim = await createSimulator();
    const connect = await warmClient(sim, transport);
    sim.faults.add({ fault: "latency", operation: "createUser", ms: 300, times: 1 });
    const slow = await unwrap(connect.POST("/v2/fulfillment/users", { ...createUser("u-1"), timeout: 30, maxRetries: 0 })).catch(
      (error: unknown) => error,
    );
    expect(slow).toBeInstanceOf(ConnectTimeoutError);
    sim.faults.add({ fault: "latency", operation: "createUser", ms: 1 });
    await unwrap(connect.POST("/v2/fulfillment/users", createUser("u-2")));
  });
});

describe("a hanging in-process request", () => {
  it("still sees the client's timeout after a garbage collection (undici links a Request's signal only while it lives)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    sim = await createSimulator({ listen: false });
    const connect = await warmClient(sim, "in-process");
    sim.faults.add({ fault: "hang", operation: "createUser" });
    const call = unwrap(connect.POST("/v2/fulfillment/users", { ...createUser("u-1"), timeout: 200, maxRetries: 0 })).catch(
      (error: unknown) => error,
    );
    await vi.waitFor(() => expect(statuses(sim!, "createUser").at(-1)).toBe("hang")); // the request is hanging now
    gc();
    expect(await call).toBeInstanceOf(ConnectTimeoutError);
  });
});

describe("fault rules", () => {
  it("apply at a rate, per operation, and can be removed", async () => {
    sim = await createSimulator({ listen: false, seed: 3 });
    const rule = sim.faults.add({ fault: "server_error", operation: "createUser", rate: 0.5 });
    const connect = clientFor(sim, "in-process", { maxRetries: 0 });
    const outcomes: number[] = [];
    for (let index = 0; index < 20; index++)
      outcomes.push((await connect.POST("/v2/fulfillment/users", createUser(`u-${index}`))).response.status);
    expect(outcomes.filter((status) => status === 500).length).toBe(rule.applied);
    expect(rule.applied).toBeGreaterThan(2);
    expect(rule.applied).toBeLessThan(18);
    expect(
      (await connect.POST("/v2/fulfillment/stores/delivery", { body: { find_by: { latitude: 41.9, longitude: -87.6 } } })).response.status,
    ).toBe(200);
    rule.remove();
    expect((await connect.POST("/v2/fulfillment/users", createUser("u-last"))).response.status).toBe(200);
  });

  it("refuse rules that cannot work", async () => {
    sim = await createSimulator({ listen: false });
    expect(() => sim!.faults.add({ fault: "server_error", status: 404 })).toThrow(RangeError);
    expect(() => sim!.faults.add({ fault: "rate_limit", rate: 2 })).toThrow("fault rate must be between 0 and 1");
    expect(() => sim!.faults.add({ fault: "explode" as never })).toThrow(TypeError);
  });
});
