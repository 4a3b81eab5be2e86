/** Delivery and pickup orders, and the operations shared with last mile orders (fulfillment.md §8). */
import type { components } from "../../../generated/schema.js";
import { invalidParameter, invalidRequest } from "../errors.js";
import type { SimHold } from "../state.js";
import { bodyOf, param, type Handler, type HandlerContext } from "./context.js";
import { applyItems, cancel, createOrder, linesFrom, requireBrandNew, requireKind, requireNewOrderId, takeHold } from "./order-records.js";
import { orderView, requireStore, requireUser, userOrder } from "./views.js";

type S = components["schemas"];

/** `user.phone_number` is required when the user has none (fulfillment.md §2.5). */
function requirePhone(context: HandlerContext, userId: string, user: S["OrderUser"] | undefined): void {
  const record = context.world.state.users.get(userId);
  if (record?.phoneNumber === undefined && user?.phone_number === undefined) throw invalidParameter("user.phone_number", "can't be blank");
  if (record !== undefined && user?.phone_number !== undefined) record.phoneNumber = user.phone_number;
}

/**
 * What a delivery or pickup order is created from, after the checks both make first: the user
 * exists, `order_id` is new, and the hold is the user's and still usable.
 */
function newOrderRequest<Body extends { order_id: string; service_option_hold_id: number }>(
  context: HandlerContext,
): { userId: string; body: Body; hold: SimHold } {
  const userId = param(context, "user_id");
  const body = bodyOf<Body>(context);
  requireUser(context.world, userId);
  requireNewOrderId(context.world, body.order_id);
  return { userId, body, hold: takeHold(context.world, userId, body.service_option_hold_id) };
}

const createDeliveryOrder: Handler = (context) => {
  const { world } = context;
  const { userId, body, hold } = newOrderRequest<S["CreateDeliveryOrderRequest"]>(context);
  const locationCode = body.location_code ?? hold.option.locationCode ?? world.state.stores[0]?.location_code ?? "";
  requireStore(world, locationCode);
  const lines = linesFrom(world, body.items);
  requirePhone(context, userId, body.user);
  hold.state = "used";
  const order = createOrder(
    world,
    { id: body.order_id, userId, kind: "delivery", locationCode, startsAt: hold.option.startsAt, endsAt: hold.option.endsAt },
    {
      address: body.address,
      lines,
      tipCents: body.initial_tip_cents,
      specialInstructions: body.special_instructions ?? undefined,
      leaveUnattended: body.leave_unattended ?? false,
      locale: body.locale,
    },
  );
  return orderView(order);
};

const createPickupOrder: Handler = (context) => {
  const { world } = context;
  const { userId, body, hold } = newOrderRequest<S["CreatePickupOrderRequest"]>(context);
  if (requireStore(world, body.location_code).flags.pickup !== true) throw invalidParameter("location_code", "Store does not offer pickup");
  const lines = linesFrom(world, body.items);
  hold.state = "used";
  const fields = {
    id: body.order_id,
    userId,
    kind: "pickup" as const,
    locationCode: body.location_code,
    startsAt: hold.option.startsAt,
    endsAt: hold.option.endsAt,
  };
  return orderView(createOrder(world, fields, { lines, specialInstructions: body.special_instructions, locale: body.locale }));
};

const getOrder: Handler = (context) => orderView(userOrder(context.world, param(context, "user_id"), param(context, "order_id")));

const listOrders: Handler = (context) => {
  const userId = param(context, "user_id");
  requireUser(context.world, userId);
  const orders = [...context.world.state.orders.values()].filter((order) => order.userId === userId);
  return { orders: orders.map(orderView) } satisfies S["OrderList"];
};

/** Delivery or pickup orders, only while brand_new (fulfillment.md §8.7). */
const updateOrder: Handler = (context) => {
  const { world } = context;
  const userId = param(context, "user_id");
  const order = userOrder(world, userId, param(context, "order_id"));
  const body = bodyOf<S["UpdateOrderRequest"]>(context);
  requireKind(order, ["delivery", "pickup"], "delivery and pickup");
  requireBrandNew(order, "updated");
  const hold = body.service_option_hold_id === undefined ? undefined : takeHold(world, userId, body.service_option_hold_id);
  applyItems(world, order, body.items);
  if (hold) {
    hold.state = "used";
    order.startsAt = hold.option.startsAt;
    order.endsAt = hold.option.endsAt;
  }
  order.tipCents = body.initial_tip_cents;
  if (body.special_instructions !== undefined) order.specialInstructions = body.special_instructions;
  return orderView(order);
};

/** Completed orders only (fulfillment.md §8.9); Tip adjustment is a delivery and last mile callback. */
const updateOrderTip: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  if (order.status !== "delivered")
    throw invalidRequest("The tip of an order can be changed here only once it is delivered; use update order before");
  order.tipCents = bodyOf<S["UpdateOrderTipRequest"]>(context).tip_amount_cents;
  if (order.kind !== "pickup") context.world.events.emit("tip-adjustment", { order_id: order.id });
  return orderView(order);
};

/** Preferred replacements per line, while brand_new, acknowledged or picking (fulfillment.md §8.14). */
const setItemReplacements: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  requireKind(order, ["delivery", "pickup"], "delivery and pickup");
  if (!["brand_new", "acknowledged", "picking"].includes(order.status)) {
    throw invalidRequest(`The order is ${order.status}: replacements can be set only until picking`);
  }
  const { selections } = bodyOf<S["SetItemReplacementsRequest"]>(context);
  const live = new Set(order.lines.filter((line) => !line.removed).map((line) => line.lineNum));
  const unknown = selections.map((selection) => selection.line_num).filter((lineNum) => !live.has(lineNum));
  if (unknown.length > 0) throw invalidParameter("selections", `line_num not in the order: ${unknown.join(", ")}`);
  return {};
};

const cancelOrder: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  requireKind(order, ["delivery", "pickup", "last_mile"], "delivery, pickup and last mile");
  // The retailer cancels through the API: `retailer_driven` (inferred; the docs list the reasons only).
  cancel(context.world, order, "retailer_driven");
  return orderView(order);
};

export const orderHandlers: Record<string, Handler> = {
  createDeliveryOrder,
  createPickupOrder,
  getOrder,
  listOrders,
  updateOrder,
  updateOrderTip,
  setItemReplacements,
  cancelOrder,
};
