/** The customer's side of an order (post-checkout) and the shopper's side (Sandbox), meeting in one state. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unwrap, type ConnectClient, type ConnectUserClient } from "../../src/index.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import { ADDRESS, advanceBatch, clientFor, newUser, orderDelivery, START } from "./support.ts";

let sim: Simulator;
let connect: ConnectClient;
let customer: ConnectUserClient;
let shopperId: number;

const order = { params: { path: { order_id: "o-1" } } };
const batches = (body: Record<string, unknown>) => connect.POST("/v2/fulfillment_sandbox/batches", { body: body as never });
const shopperItem = (lineNum: string, body: Record<string, unknown>) =>
  unwrap(
    connect.PUT("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
      params: { path: { shopper_id: shopperId, order_id: "o-1", line_num: lineNum } },
      body,
    }),
  );

beforeEach(async () => {
  sim = await createSimulator({ listen: false, clock: { start: START, frozen: true } });
  connect = clientFor(sim, "in-process", { maxRetries: 0 });
  customer = connect.forUser("ada");
  await newUser(connect, "ada");
  await orderDelivery(connect, "ada", "o-1", [
    { line_num: "1", count: 2, item: { upc: "111" } },
    { line_num: "2", count: 1, item: { upc: "222" } },
  ]);
  shopperId = (await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: { phone: "+18005550199" } }))).id;
});
afterEach(() => sim.close());

describe("item replacements", () => {
  it("a rejected replacement is refunded; an answered one cannot be answered again; an unknown item is not found", async () => {
    const batch = await unwrap(batches({ shopper_id: shopperId, orders: [{ id: "o-1" }] }));
    await advanceBatch(connect, batch.id, "picking");
    await shopperItem("1", { status: "replaced", replacement_item: { rrc: "594827" } });
    await shopperItem("2", { status: "to_refund" });
    const { line_items: lines } = await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}/items", order));
    expect(lines.map((line) => [line.line_num, line.status, line.replacement_status])).toEqual([
      ["1", "REPLACED", "PENDING"],
      ["2", "TO_REFUND", "SUBSTITUTION_STATUS_UNSPECIFIED"],
    ]);
    const target = { params: { path: { order_id: "o-1", order_item_id: lines[0]!.id } } };
    await unwrap(
      customer.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", { ...target, body: { status: "REJECTED" } }),
    );
    expect(sim.orders[0]!.lines.map((line) => [line.status, line.replacementStatus])).toEqual([
      ["TO_REFUND", "REJECTED"],
      ["TO_REFUND", "SUBSTITUTION_STATUS_UNSPECIFIED"],
    ]);
    const again = await customer.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
      ...target,
      body: { status: "APPROVED" },
    });
    expect(again.error).toEqual({ error: { message: "Order item change already responded to", code: 1001 } });
    const unknown = await customer.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
      params: { path: { order_id: "o-1", order_item_id: "1111" } },
      body: { status: "APPROVED" },
    });
    expect(unknown.error).toEqual({ error: { message: "Order item 1111 not found", code: 4000 } });
    const approvedWithAlternative = await customer.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
      ...target,
      body: { status: "APPROVED", alternative_item: { upc: "1", count: 1 } } as never,
    });
    expect(approvedWithAlternative.error).toEqual({
      error: { message: "is not accepted here", code: 1001 },
      meta: { key: "alternative_item" },
    });
  });

  it("the shopper's item changes send the replacement and refund callbacks (recorded while their names are not public)", async () => {
    const batch = await unwrap(batches({ shopper_id: shopperId, orders: [{ id: "o-1" }] }));
    await advanceBatch(connect, batch.id, "picking");
    await shopperItem("1", { status: "replaced", replacement_item: { upc: "999" } });
    await shopperItem("2", { status: "to_refund" });
    await unwrap(
      connect.POST("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items", {
        params: { path: { shopper_id: shopperId, order_id: "o-1" } },
        body: { item: { upc: "333" }, delivered_count: 1 },
      }),
    );
    expect(sim.events.slice(-2).map((event) => event.webhook)).toEqual(["order-item-replacement", "order-item-refund"]);
    expect(sim.orders[0]!.lines.map((line) => line.lineNum)).toEqual(["1", "2", "3"]);
  });
});

describe("chat, location and handling", () => {
  it("chat opens when a shopper takes the order and expires 24 hours after delivery", async () => {
    const closed = await customer.POST("/v2/post_checkout/chat/{order_id}/messages", { ...order, body: { body: "Hello?" } });
    expect(closed.response.status).toBe(403);
    expect(closed.error).toEqual({ error: { message: "Sending a message is not allowed at this time", code: null } });
    const batch = await unwrap(batches({ shopper_id: shopperId, orders: [{ id: "o-1" }] }));
    const sent = await unwrap(
      customer.POST("/v2/post_checkout/chat/{order_id}/messages", { ...order, body: { body: "Please ring twice." } }),
    );
    expect(sent).toMatchObject({ type: "CHAT", created_at: "2026-03-02T09:00:00.000Z" });
    expect(sim.events.at(-1)).toMatchObject({ webhook: "chat-message-created", eventName: "chat_message_created" });
    const chat = await unwrap(customer.GET("/v2/post_checkout/chat/{order_id}/messages", order));
    expect(chat.chat_messages).toEqual([
      expect.objectContaining({
        body: "Please ring twice.",
        sender_type: "user",
        recipient_type: "driver",
        recipient_id: shopperId,
        read: false,
      }),
    ]);
    expect(chat.metadata).toMatchObject({ current_shopper: { id: shopperId }, is_expired: false });
    const tooLong = await customer.POST("/v2/post_checkout/chat/{order_id}/messages", { ...order, body: { body: "x".repeat(1001) } });
    expect(tooLong.error).toEqual({ error: { message: "is too long (maximum is 1000 characters)", code: 1001 }, meta: { key: "body" } });

    await advanceBatch(connect, batch.id, "delivering");
    expect(await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}/location", order))).toEqual({
      coordinates: { latitude: 41.8837, longitude: -87.6278 },
    });
    await advanceBatch(connect, batch.id, "completed");
    expect(await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}/location", order))).toEqual({});
    sim.clock.advance(24 * 3_600_000);
    expect(await unwrap(customer.GET("/v2/post_checkout/chat/{order_id}/messages", order))).toMatchObject({
      chat_messages: [],
      metadata: { is_expired: true },
    });
    expect(sim.violations).toEqual([]);
  });

  it("handling details show the delivery address; pickup operations refuse a delivery order", async () => {
    const handling = await unwrap(customer.GET("/v2/post_checkout/orders/{order_id}/handling", order));
    expect(handling).toMatchObject({
      address: { address_line_1: ADDRESS.address_line_1, postal_code: ADDRESS.postal_code, country_code: "US" },
      instructions: "",
    });
    const pickup = await customer.GET("/v2/post_checkout/orders/{order_id}/pickup/details", order);
    expect(pickup.error).toEqual({ error: { message: "Pickup unavailable for non-pickup orders", code: 4001 } });
  });
});

describe("sandbox refusals", () => {
  it("name the shopper, the order or the state that is wrong", async () => {
    expect((await batches({ shopper_id: 999, orders: [{ id: "o-1" }] })).error).toEqual({
      error: { message: "Shopper not found", code: 1001 },
      meta: { key: "shopper_id" },
    });
    expect((await batches({ shopper_id: shopperId, orders: [{ id: "o-1" }, { id: "nope" }] })).error).toEqual({
      error: { message: "Order not found", code: 1001 },
      meta: { key: "orders[1]" },
    });
    expect((await batches({ shopper_id: shopperId, batch_type: "pickup", orders: [{ id: "o-1" }] })).error).toMatchObject({
      error: { message: "Orders unbatchable" },
      meta: { key: "orders[0]" },
    });
    expect((await batches({ shopper_id: shopperId, orders: [{ id: "o-1" }], workflow_state: "teleporting" })).error).toMatchObject({
      meta: { key: "workflow_state" },
    });
    const duplicate = await connect.POST("/v2/fulfillment_sandbox/shoppers", { body: { phone: "+18005550199" } });
    expect(duplicate.error).toEqual({
      error: { message: "An account already exists with this number", code: 1001 },
      meta: { key: "phone" },
    });
    const missing = await connect.POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", {
      params: { path: { order_id: "nope" } },
      body: { event_name: "canceled" },
    });
    expect(missing.error).toEqual({ error: { message: "Resource not found", code: 4000 } });
  });

  it("find orders by Instacart's own id with X-Treat-Ids-As-Internal, and reschedule moves the window", async () => {
    const internal = String(700_000_001);
    const batch = await unwrap(
      connect.POST("/v2/fulfillment_sandbox/batches", {
        body: { shopper_id: shopperId, orders: [{ id: internal }] },
        headers: { "X-Treat-Ids-As-Internal": "true" },
      }),
    );
    expect(batch.workflow_state).toBe("acknowledged");
    const before = sim.orders[0]!.order.fulfillment_details!;
    await unwrap(connect.POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", { ...order, body: { event_name: "rescheduled" } }));
    const after = sim.orders[0]!.order.fulfillment_details!;
    expect(Date.parse(after.window_starts_at) - Date.parse(before.window_starts_at)).toBe(2 * 3_600_000);
    await unwrap(connect.POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", { ...order, body: { event_name: "canceled" } }));
    expect(sim.orders[0]).toMatchObject({ status: "canceled", order: { cancellation_reason: "instacart_driven" } });
  });
});
