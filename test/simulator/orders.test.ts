/** Orders and holds keep state and refuse what Instacart refuses; holds expire on the simulated clock. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ConnectApiError, type ConnectClient, unwrap } from "../../src/index.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import { ADDRESS, clientFor, START } from "./support.ts";

let sim: Simulator;
let connect: ConnectClient;

beforeEach(async () => {
  sim = await createSimulator({ listen: false, clock: { start: START, frozen: true } });
  connect = clientFor(sim, "in-process", { maxRetries: 0 });
  await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "ada", first_name: "Ada", phone_number: "+18005550100" } }));
});
afterEach(() => sim.close());

const items = [{ line_num: "1", count: 1, item: { upc: "00041570054161" } }];
const user = { params: { path: { user_id: "ada" } } };

async function hold(): Promise<number> {
  const { service_options: slots } = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", { ...user, body: { address: ADDRESS, items } }),
  );
  const reserved = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve", {
      params: { path: { user_id: "ada", service_option_id: slots[0]!.id } },
    }),
  );
  return reserved.service_option_hold.id;
}

const createOrder = (orderId: string, holdId: number) =>
  connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
    ...user,
    body: { order_id: orderId, service_option_hold_id: holdId, address: ADDRESS, items },
  });

const failure = (promise: Promise<unknown>): Promise<ConnectApiError> =>
  promise.then(
    () => expect.fail("expected a refusal"),
    (error: unknown) => error as ConnectApiError,
  );

describe("holds", () => {
  it("expire ten minutes after the reservation, on the simulated clock", async () => {
    const early = await hold();
    sim.clock.advance(10 * 60_000 - 1);
    await unwrap(createOrder("o-1", early));
    const late = await hold();
    sim.clock.advance(10 * 60_000);
    const refused = await failure(unwrap(createOrder("o-2", late)));
    expect(refused).toMatchObject({ status: 400, code: 1001, key: "service_option_hold_id" });
    expect(refused.message).toContain("Service option hold has expired");
  });

  it("allow one per user: reserving again replaces the previous hold, and a hold makes one order", async () => {
    const first = await hold();
    const second = await hold();
    expect((await failure(unwrap(createOrder("o-1", first)))).message).toContain("replaced by a newer reservation");
    await unwrap(createOrder("o-1", second));
    expect((await failure(unwrap(createOrder("o-2", second)))).message).toContain("already been used");
    expect(await failure(unwrap(createOrder("o-3", 12345)))).toMatchObject({ key: "service_option_hold_id" });
  });
});

describe("orders", () => {
  it("refuse a reused order_id and answer 404 Resource not found (4000) for an unknown order", async () => {
    await unwrap(createOrder("o-1", await hold()));
    expect(await failure(unwrap(createOrder("o-1", await hold())))).toMatchObject({ status: 400, key: "order_id", code: 1001 });
    const missing = await failure(
      unwrap(connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: "ada", order_id: "nope" } } })),
    );
    expect(missing).toMatchObject({ status: 404, code: 4000 });
    expect(missing.message).toContain("Resource not found");
    // Another user's order is not found either.
    await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "bo", first_name: "Bo" } }));
    expect(
      await failure(
        unwrap(connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: "bo", order_id: "o-1" } } })),
      ),
    ).toMatchObject({ status: 404 });
  });

  it("can be updated only while brand_new, tipped only once delivered, and not canceled once delivered", async () => {
    await unwrap(createOrder("o-1", await hold()));
    const path = { params: { path: { user_id: "ada", order_id: "o-1" } } };
    const updated = await unwrap(
      connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
        ...path,
        body: { initial_tip_cents: 300, items: [{ line_num: "2", weight: 2 }] },
      }),
    );
    expect(updated.items).toEqual([expect.objectContaining({ line_num: "2", qty: 2, qty_unit: "lb" })]);
    expect(
      (
        await failure(
          unwrap(connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/tip", { ...path, body: { tip_amount_cents: 100 } })),
        )
      ).code,
    ).toBe(4001);

    const { id: shopper } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: {} }));
    const batch = await unwrap(connect.POST("/v2/fulfillment_sandbox/batches", { body: { shopper_id: shopper, orders: [{ id: "o-1" }] } }));
    expect(
      (
        await failure(
          unwrap(connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}", { ...path, body: { initial_tip_cents: 300, items } })),
        )
      ).message,
    ).toContain("acknowledged");
    await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches/{batch_id}/advance", {
        params: { path: { batch_id: batch.id } },
        body: { workflow_state: "completed" },
      }),
    );
    expect(
      (await unwrap(connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/tip", { ...path, body: { tip_amount_cents: 700 } })))
        .status,
    ).toBe("delivered");
    const cancel = await failure(unwrap(connect.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/cancel", path)));
    expect(cancel).toMatchObject({ status: 400, code: 4001 });
    expect(cancel.message).toContain("already delivered");
  });

  it("are canceled with a reason and listed per user", async () => {
    await unwrap(createOrder("o-1", await hold()));
    const canceled = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/cancel", { params: { path: { user_id: "ada", order_id: "o-1" } } }),
    );
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "retailer_driven" });
    expect(sim.orders.map((order) => [order.id, order.status])).toEqual([["o-1", "canceled"]]);
    expect(sim.events.map((event) => event.eventName)).toEqual(["fulfillment.brand_new", "fulfillment.canceled"]);
  });

  it("refuse replacements for lines the order does not have, naming them", async () => {
    await unwrap(createOrder("o-1", await hold()));
    const refused = await failure(
      unwrap(
        connect.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/replacement_selections", {
          params: { path: { user_id: "ada", order_id: "o-1" } },
          body: { selections: [{ line_num: "9", count: 1 }] },
        }),
      ),
    );
    expect(refused).toMatchObject({ key: "selections" });
    expect(refused.message).toContain("line_num not in the order: 9");
  });

  it("dispatch orders: one call, a window on the hour, cancel only while brand_new", async () => {
    const body = {
      order_id: "d-1",
      location_code: "1001",
      start_at: "2026-03-02T14:00:00Z",
      first_name: "Ada",
      last_name: "L",
      user_phone: "+18005550100",
      items_count: 2,
      items_weight: 3,
    };
    expect(
      await failure(unwrap(connect.POST("/v2/fulfillment/lastmile/orders", { body: { ...body, start_at: "2026-03-02T14:30:00Z" } }))),
    ).toMatchObject({ key: "start_at" });
    const created = await unwrap(connect.POST("/v2/fulfillment/lastmile/orders", { body }));
    expect(created.fulfillment_details).toMatchObject({ window_starts_at: "2026-03-02T14:00:00Z", window_ends_at: "2026-03-02T15:00:00Z" });
    const { id: shopper } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: {} }));
    await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopper, orders: [{ id: "d-1" }], workflow_state: "acknowledged_for_delivery" },
      }),
    );
    const refused = await failure(
      unwrap(connect.POST("/v2/fulfillment/lastmile/orders/{order_id}/cancel", { params: { path: { order_id: "d-1" } }, body: {} })),
    );
    expect(refused).toMatchObject({ status: 400, code: 4001 });
    expect(sim.violations).toEqual([]);
  });
});
