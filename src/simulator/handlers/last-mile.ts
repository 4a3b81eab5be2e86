/** Last mile delivery orders and dispatch last mile orders (fulfillment.md §8.3, §8.8, §8.10, §9). */
import type { components } from "../../../generated/schema.js";
import { invalidParameter, notFound } from "../errors.js";
import type { SimOrder } from "../state.js";
import { bodyOf, param, type Handler, type HandlerContext } from "./context.js";
import { cancel, createOrder, requireBrandNew, requireKind, requireNewOrderId, takeHold } from "./order-records.js";
import { orderView, requireUser, userOrder } from "./views.js";

type S = components["schemas"];
const HOUR = 3_600_000;

/** `order_id` is optional for last mile orders: one is made up when it is missing. */
const createLastMileOrder: Handler = (context) => {
  const { world } = context;
  const userId = param(context, "user_id");
  const body = bodyOf<S["CreateLastMileOrderRequest"]>(context);
  requireUser(world, userId);
  const orderId = body.order_id ?? `lmd-${world.random.token(12)}`;
  requireNewOrderId(world, orderId);
  const hold = takeHold(world, userId, body.service_option_hold_id);
  const startsAt = body.start_at ? Date.parse(body.start_at) : hold.option.startsAt;
  const endsAt = body.end_at ? Date.parse(body.end_at) : hold.option.endsAt;
  const fields = { id: orderId, userId, kind: "last_mile" as const, locationCode: body.location_code, startsAt, endsAt };
  const extra = lastMileExtras(body);
  const order = createOrder(world, fields, extra);
  hold.state = "used";
  return orderView(order);
};

type LastMileFields = Pick<
  S["CreateLastMileOrderRequest"],
  "initial_tip_cents" | "bags_count" | "alcoholic" | "leave_unattended" | "special_instructions" | "locale"
> & {
  bag_label?: string | undefined;
};

function lastMileExtras(body: LastMileFields): Partial<SimOrder> {
  return {
    tipCents: body.initial_tip_cents,
    bagsCount: body.bags_count,
    bagLabel: body.bag_label,
    alcoholic: body.alcoholic ?? false,
    leaveUnattended: body.leave_unattended ?? false,
    specialInstructions: body.special_instructions,
    locale: body.locale,
  };
}

/** The update fields last mile and dispatch orders share; a new window from `service_option_id` or `start_at`/`end_at`. */
function applyLastMileUpdate(
  context: HandlerContext,
  order: SimOrder,
  body: S["UpdateDispatchLastMileOrderRequest"] & { bag_label?: string },
): void {
  if (body.service_option_id !== undefined) {
    const option = context.world.state.serviceOptions.get(body.service_option_id);
    if (option === undefined) throw invalidParameter("service_option_id", "Service option not found");
    order.startsAt = option.startsAt;
    order.endsAt = option.endsAt;
  }
  if (body.start_at !== undefined) order.startsAt = Date.parse(body.start_at);
  if (body.end_at !== undefined) order.endsAt = Date.parse(body.end_at);
  if (body.initial_tip_cents !== undefined) order.tipCents = body.initial_tip_cents;
  if (body.bags_count !== undefined) order.bagsCount = body.bags_count;
  if (body.alcoholic !== undefined) order.alcoholic = body.alcoholic;
  if (body.special_instructions !== undefined) order.specialInstructions = body.special_instructions;
  if (body.bag_label !== undefined) order.bagLabel = body.bag_label;
}

const updateLastMileOrder: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  requireKind(order, ["last_mile"], "last mile");
  requireBrandNew(order, "updated");
  applyLastMileUpdate(context, order, bodyOf(context));
  return orderView(order);
};

/** Staging dispatches a shopper to the store: status `staged` and the Staged callback (inferred). */
function stage(context: HandlerContext, order: SimOrder): S["Order"] {
  requireBrandNew(order, "staged");
  const body = bodyOf<S["StageLastMileOrderRequest"]>(context);
  if (body.bags_count !== undefined) order.bagsCount = body.bags_count;
  if (body.bag_label !== undefined) order.bagLabel = body.bag_label;
  order.status = "staged";
  context.world.events.emit("staged", { order_id: order.id });
  return orderView(order);
}

const stageLastMileOrder: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  requireKind(order, ["last_mile"], "last mile");
  return stage(context, order);
};

/** A dispatch order (no user in the path; `user_id`, when given, must match). */
function dispatchOrder(context: HandlerContext, userId?: string): SimOrder {
  const order = context.world.state.orders.get(param(context, "order_id"));
  if (order === undefined || order.kind !== "dispatch" || (userId !== undefined && order.userId !== userId)) throw notFound();
  return order;
}

/** One call creates a dispatch order; its window lasts at least an hour and starts on the hour (§9.1). */
const createDispatchLastMileOrder: Handler = (context) => {
  const { world } = context;
  const body = bodyOf<S["CreateDispatchLastMileOrderRequest"]>(context);
  requireNewOrderId(world, body.order_id);
  const startsAt = Date.parse(body.start_at);
  const endsAt = body.end_at ? Date.parse(body.end_at) : startsAt + HOUR;
  if (startsAt % HOUR !== 0 || endsAt - startsAt < HOUR || startsAt <= world.clock.now()) {
    throw invalidParameter("start_at", "Requested delivery window not available at this store");
  }
  const fields = { id: body.order_id, userId: undefined, kind: "dispatch" as const, locationCode: body.location_code, startsAt, endsAt };
  return orderView(createOrder(world, fields, lastMileExtras(body)));
};

const getDispatchLastMileOrder: Handler = (context) => orderView(dispatchOrder(context, context.query.user_id));

const updateDispatchLastMileOrder: Handler = (context) => {
  const order = dispatchOrder(context);
  requireBrandNew(order, "updated");
  applyLastMileUpdate(context, order, bodyOf(context));
  return orderView(order);
};

/** Works only while brand_new: once a shopper is assigned the call no longer works (§9.5). */
const cancelDispatchLastMileOrder: Handler = (context) => {
  const order = dispatchOrder(context, bodyOf<S["CancelDispatchLastMileOrderRequest"]>(context).user_id);
  requireBrandNew(order, "canceled");
  cancel(context.world, order, "retailer_driven");
  return orderView(order);
};

/** Dispatch orders only (corrections.md D1/N1); the same handler serves the path whatever its operationId. */
const stageDispatchLastMileOrder: Handler = (context) => stage(context, dispatchOrder(context));

export const lastMileHandlers: Record<string, Handler> = {
  createLastMileOrder,
  createLastMileOrderLegacy: createLastMileOrder,
  updateLastMileOrder,
  stageLastMileOrder,
  createDispatchLastMileOrder,
  getDispatchLastMileOrder,
  updateDispatchLastMileOrder,
  stageLastMileOrderLegacy: stageDispatchLastMileOrder,
  stageDispatchLastMileOrder,
  cancelDispatchLastMileOrder,
};
