import { describe, expect, it } from "vitest";
import { chooseTarget } from "../../scripts/lib/demo-target.ts";

const env = (server: string) => ({ INSTACART_CLIENT_ID: "id", INSTACART_CLIENT_SECRET: "secret", INSTACART_SERVER: server });

describe("npm start's target", () => {
  it("runs against the server named by INSTACART_SERVER when the three variables are set", async () => {
    const target = await chooseTarget([], env("development"));
    expect(target).toMatchObject({ server: "development", clientId: "id", clientSecret: "secret" });
    expect(target.mock).toBeUndefined();
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
