import { describe, expect, it } from "vitest";
import { chooseTarget } from "../../scripts/lib/demo-target.ts";

const env = (server: string) => ({ INSTACART_CLIENT_ID: "id", INSTACART_CLIENT_SECRET: "secret", INSTACART_SERVER: server });

describe("npm start's target", () => {
  it("runs against the simulator, with the demo's receiver for its callbacks, when no variable is set", async () => {
    const target = await chooseTarget([], {});
    try {
      expect(target.simulated).toBeDefined();
      const { simulator, receiver } = target.simulated!;
      expect(target).toMatchObject({ server: simulator.url, clientId: simulator.clientId, clientSecret: simulator.clientSecret });
      expect(target.server).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(receiver.callbacks.url).toBe(`${receiver.origin}/instacart/callbacks`);
    } finally {
      await target.simulated?.simulator.close();
      await target.simulated?.receiver.close();
    }
  });

  it("runs against the server named by INSTACART_SERVER when the three variables are set", async () => {
    const target = await chooseTarget([], env("development"));
    expect(target).toMatchObject({ server: "development", clientId: "id", clientSecret: "secret" });
    expect(target.simulated).toBeUndefined();
  });

  it.each(["production", "https://connect.instacart.com", "https://connect.instacart.com/"])(
    "refuses production (%s) without --production, since the flow creates a real order",
    async (server) => {
      await expect(chooseTarget([], env(server))).rejects.toThrow(/creates \(and cancels\) a real order/);
      await expect(chooseTarget(["--production"], env(server))).resolves.toMatchObject({ server });
    },
  );

  it("refuses a partial configuration instead of guessing", async () => {
    await expect(chooseTarget([], { INSTACART_CLIENT_ID: "id" })).rejects.toThrow(/set all of/);
  });
});
