/**
 * The three fulfillment lifecycles against the simulator, through the real client and the real
 * receiver helpers, in-process and over HTTP. Every answer is checked against the spec by the
 * simulator itself (a mismatch would be a 500 and a violation): the tests assert there is none.
 */
import { describe, expect, it } from "vitest";
import { unwrap, type ConnectClient } from "../../src/index.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import {
  ADDRESS,
  advanceBatch,
  clientFor,
  closeAfterEach,
  holdFirstSlot,
  inOrder,
  newUser,
  START,
  startReceiver,
  type Receiver,
  type Transport,
} from "./support.ts";

const transports: Transport[] = ["in-process", "http"];
const closing = closeAfterEach();

async function setUp(transport: Transport): Promise<{ sim: Simulator; receiver: Receiver; connect: ConnectClient }> {
  const receiver = closing(await startReceiver(transport));
  const sim = closing(await createSimulator({ clock: { start: START, frozen: true }, callbacks: receiver.callbacks }));
  return { sim, receiver, connect: clientFor(sim, transport) };
}

async function advance(connect: ConnectClient, batchId: number, times: number): Promise<string[]> {
  const states: string[] = [];
  for (let step = 0; step < times; step++) {
    states.push((await advanceBatch(connect, batchId)).workflow_state!);
  }
  return states;
}

/** The order as the retailer's API answers it. */
const getOrder = (connect: ConnectClient, userId: string, orderId: string) =>
  unwrap(connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: userId, order_id: orderId } } }));

/** The callbacks of an order a shopper picks in the store, up to checkout: the same for delivery and pickup. */
const SHOPPED = ["fulfillment.brand_new", "fulfillment.acknowledged", "fulfillment.picking", "fulfillment.checkout"];

const names = (receiver: Receiver): string[] => receiver.processed.map((event) => event.event_name);

describe.each(transports)("simulator lifecycles (%s)", (transport) => {
  it("takes a delivery order from time slot to delivered, with a replacement the customer approves, and posts each callback once", async () => {
    const { sim, receiver, connect } = await setUp(transport);
    await newUser(connect, "ada");
    const { stores = [] } = await unwrap(connect.POST("/v2/fulfillment/stores/delivery", { body: { find_by: ADDRESS } }));
    const items = [
      { line_num: "1", count: 2, item: { upc: "00041570054161" } },
      { line_num: "2", weight: 1.5, item: { upc: "00011110838926" } },
    ];
    const { service_options: slots } = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", {
        params: { path: { user_id: "ada" } },
        body: { address: ADDRESS, items, location_code: stores[0]!.location_code },
      }),
    );
    const hold = await holdFirstSlot(connect, "ada", slots);
    const created = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
        params: { path: { user_id: "ada" } },
        body: { order_id: "order-1", service_option_hold_id: hold.id, address: ADDRESS, items, initial_tip_cents: 500 },
      }),
    );
    expect(created).toMatchObject({
      id: "order-1",
      status: "brand_new",
      fulfillment_details: { window_starts_at: slots[0]!.window.start_at },
    });

    const { id: shopperId } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: { email: "shopper@example.com" } }));
    const batch = await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopperId, batch_type: "delivery", orders: [{ id: "order-1" }] },
      }),
    );
    expect(batch.workflow_state).toBe("acknowledged");
    expect(await advance(connect, batch.id, 1)).toEqual(["picking"]);
    await unwrap(
      connect.PUT("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
        params: { path: { shopper_id: shopperId, order_id: "order-1", line_num: "1" } },
        body: { status: "replaced", replacement_item: { upc: "00041570099999" } },
      }),
    );
    const customer = connect.forUser("ada");
    const { line_items: lines } = await unwrap(
      customer.GET("/v2/post_checkout/orders/{order_id}/items", { params: { path: { order_id: "order-1" } } }),
    );
    const replaced = lines.find((line) => line.line_num === "1")!;
    expect(replaced).toMatchObject({ status: "REPLACED", replacement_status: "PENDING", replacement: { name: "UPC 00041570099999" } });
    await unwrap(
      customer.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
        params: { path: { order_id: "order-1", order_item_id: replaced.id } },
        body: { status: "APPROVED" },
      }),
    );

    expect(await advance(connect, batch.id, 5)).toEqual([
      "verifying_replacements",
      "checkout",
      "receipt_sanity_check",
      "delivering",
      "completed",
    ]);
    const final = await getOrder(connect, "ada", "order-1");
    expect(final).toMatchObject({
      status: "delivered",
      fulfillment_details: { store_location: stores[0]!.location_code, delivered_at: START },
    });
    expect(
      (await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}", { params: { path: { order_id: "order-1" } } }))).workflow_state,
    ).toBe("delivered");

    await sim.settle();
    expect(inOrder(names(receiver), [...SHOPPED, "fulfillment.delivering", "fulfillment.delivered"])).toBe(true);
    const sent = sim.events.filter((event) => event.notSent === undefined);
    expect(receiver.processed.map((event) => event.event_id)).toEqual(sent.map((event) => event.eventId));
    expect(
      sent.every((event) => event.deliveries.every((delivery) => delivery.status === "delivered" && delivery.attempts.length === 1)),
    ).toBe(true);
    expect(receiver.tokensIssued()).toBe(1);
    expect(sim.violations).toEqual([]);
  });

  it("takes a pickup order through picking, staging and the runner to delivered, with curbside arrival in between", async () => {
    const { sim, receiver, connect } = await setUp(transport);
    await newUser(connect, "bo");
    const { stores = [] } = await unwrap(connect.POST("/v2/fulfillment/stores/pickup", { body: { find_by: { postal_code: "60601" } } }));
    const store = stores[0]!;
    expect(store.flags.pickup).toBe(true);
    const items = [{ line_num: "1", count: 1, item: { rrc: "594827" } }];
    const { service_options: slots } = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/pickup", {
        params: { path: { user_id: "bo" } },
        body: { items, location_code: store.location_code },
      }),
    );
    const hold = await holdFirstSlot(connect, "bo", slots);
    await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/orders/pickup", {
        params: { path: { user_id: "bo" } },
        body: { order_id: "pickup-1", service_option_hold_id: hold.id, location_code: store.location_code, items },
      }),
    );
    const customer = connect.forUser("bo");
    const path = { params: { path: { order_id: "pickup-1" } } };
    const early = await customer.POST("/v2/post_checkout/orders/{order_id}/pickup/user_arrived", { ...path, body: {} });
    expect(early.response.status).toBe(400);
    expect(early.error).toEqual({
      error: { message: "Params error", code: 2001 },
      meta: { order_delivery_id: "Order delivery is not staged." },
    });

    const { id: shopperId } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: {} }));
    const batch = await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopperId, batch_type: "pickup", orders: [{ id: "pickup-1" }] },
      }),
    );
    expect(await advance(connect, batch.id, 6)).toEqual([
      "picking",
      "verifying_replacements",
      "checkout",
      "receipt_sanity_check",
      "bags_check",
      "staged",
    ]);
    expect(await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}", path))).toEqual({
      workflow_state: "ready_for_pickup",
      fulfillment_type: "pickup",
    });
    const vehicle = await unwrap(
      customer.PUT("/v2/post_checkout/orders/{order_id}/pickup/vehicle_info", {
        ...path,
        body: { model: "Civic", vehicle_type: "sedan", color: "silver" },
      }),
    );
    expect(vehicle.vehicle_info).toMatchObject({ model: "Civic", vehicle_type: "sedan", color: "silver" });
    expect(await unwrap(customer.POST("/v2/post_checkout/orders/{order_id}/pickup/user_arrived", { ...path, body: {} }))).toEqual({
      success: true,
    });

    const runner = await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopperId, batch_type: "runner_customer", orders: [{ id: "pickup-1" }] },
      }),
    );
    expect(runner.workflow_state).toBe("brand_new");
    expect(await advance(connect, runner.id, 3)).toEqual(["at_store", "bags_verified", "completed"]);
    const final = await getOrder(connect, "bo", "pickup-1");
    expect(final.status).toBe("delivered");

    await sim.settle();
    expect(inOrder(names(receiver), [...SHOPPED, "fulfillment.delivered"])).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it("takes a last mile order from the retailer's staging through the Instacart shopper's batch to delivered", async () => {
    const { sim, receiver, connect } = await setUp(transport);
    await newUser(connect, "cy");
    await unwrap(connect.POST("/v2/fulfillment/users/{user_id}/addresses", { params: { path: { user_id: "cy" } }, body: ADDRESS }));
    const { stores = [] } = await unwrap(connect.POST("/v2/fulfillment/stores/last_mile", { body: { find_by: ADDRESS } }));
    const { service_options: slots } = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/last_mile", {
        params: { path: { user_id: "cy" } },
        body: { address: ADDRESS, location_code: stores[0]!.location_code, cart_total_cents: 4599 },
      }),
    );
    const hold = await holdFirstSlot(connect, "cy", slots);
    const created = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/orders/last_mile", {
        params: { path: { user_id: "cy" } },
        body: {
          order_id: "lmd-1",
          location_code: stores[0]!.location_code,
          service_option_hold_id: hold.id,
          first_name: "Cy",
          last_name: "Young",
          user_phone: "+18005550101",
          items_count: 3,
          items_weight: 4.2,
        },
      }),
    );
    expect(created.status).toBe("brand_new");
    const staged = await unwrap(
      connect.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/staged", {
        params: { path: { user_id: "cy", order_id: "lmd-1" } },
        body: { bags_count: 2, bag_label: "A-12" },
      }),
    );
    expect(staged).toMatchObject({ status: "staged", fulfillment_details: { bag_count: 2 } });

    const { id: shopperId } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: {} }));
    const batch = await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopperId, batch_type: "delivery_only", orders: [{ id: "lmd-1", user_id: "cy" }] },
      }),
    );
    expect(await advance(connect, batch.id, 5)).toEqual([
      "acknowledged_for_delivery",
      "at_store",
      "bags_verified",
      "delivering",
      "completed",
    ]);
    const final = await getOrder(connect, "cy", "lmd-1");
    expect(final.status).toBe("delivered");

    await sim.settle();
    expect(inOrder(names(receiver), ["fulfillment.brand_new", "fulfillment.delivering", "fulfillment.delivered"])).toBe(true);
    expect(sim.violations).toEqual([]);
  });
});
