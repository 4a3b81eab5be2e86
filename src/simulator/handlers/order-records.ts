/** Building and changing order records: shared by the delivery, pickup, last mile and dispatch handlers. */
import type { components } from "../../../generated/schema.js";
import { invalidParameter, invalidRequest } from "../errors.js";
import { nextId, type FulfillmentKind, type ItemRef, type SimHold, type SimLine, type SimOrder } from "../state.js";
import { FINAL_STATUSES } from "../workflows.js";
import type { World } from "./context.js";
import { requireStore } from "./views.js";

type S = components["schemas"];

/** The hold an order is created from: the user's own, active and not expired. */
export function takeHold(world: World, userId: string, holdId: number): SimHold {
  const hold = world.state.holds.get(holdId);
  const key = "service_option_hold_id";
  if (hold === undefined || hold.userId !== userId) throw invalidParameter(key, "Service option hold not found");
  if (hold.state === "used") throw invalidParameter(key, "Service option hold has already been used");
  if (hold.state === "replaced") throw invalidParameter(key, "Service option hold was replaced by a newer reservation");
  if (hold.expiresAt <= world.clock.now()) throw invalidParameter(key, "Service option hold has expired");
  return hold;
}

/** `order_id` must be new (orders are found by it later). */
export function requireNewOrderId(world: World, orderId: string): void {
  if (world.state.orders.has(orderId)) throw invalidParameter("order_id", "has already been taken");
}

export function lineFrom(world: World, item: S["OrderItem"]): SimLine {
  return {
    id: world.random.token(16),
    lineNum: item.line_num,
    item: item.item as ItemRef | undefined,
    count: item.count,
    weight: item.weight,
    specialInstructions: item.special_instructions ?? undefined,
    replacementPolicy: item.replacement_policy ?? undefined,
    status: "NOT_PICKED",
    replacementStatus: "SUBSTITUTION_STATUS_UNSPECIFIED",
    replacement: undefined,
    deliveredCount: undefined,
    deliveredWeight: undefined,
    removed: false,
  };
}

/** Lines of a request: `line_num` is unique within an order ("Duplicate items were provided", changelog 2024-01-16). */
export function linesFrom(world: World, items: readonly S["OrderItem"][]): SimLine[] {
  const seen = new Set<string>();
  return items.map((item, index) => {
    if (seen.has(item.line_num)) throw invalidParameter(`items[${index}].line_num`, "Duplicate items were provided");
    seen.add(item.line_num);
    return lineFrom(world, item);
  });
}

export interface NewOrder {
  id: string;
  userId: string | undefined;
  kind: FulfillmentKind;
  locationCode: string;
  startsAt: number;
  endsAt: number;
}

/** A brand new order record, stored, with its Brand new callback sent. */
export function createOrder(world: World, fields: NewOrder, extra: Partial<SimOrder> = {}): SimOrder {
  requireStore(world, fields.locationCode);
  const order: SimOrder = {
    ...fields,
    internalId: nextId(world.state, "order"),
    status: "brand_new",
    createdAt: world.clock.now(),
    address: undefined,
    lines: [],
    tipCents: undefined,
    specialInstructions: undefined,
    leaveUnattended: false,
    alcoholic: false,
    locale: undefined,
    cancellationReason: undefined,
    deliveredAt: undefined,
    closedAt: undefined,
    storeShown: fields.kind !== "delivery", // delivery orders show the store once picking starts
    bagsCount: undefined,
    bagLabel: undefined,
    batchIds: [],
    vehicle: undefined,
    delegate: undefined,
    pickupEta: undefined,
    arrivedAt: undefined,
    chat: [],
    rating: undefined,
    ...extra,
  };
  world.state.orders.set(order.id, order);
  world.events.emit("brand-new", { order_id: order.id });
  return order;
}

/** Only `brand_new` orders can be changed (fulfillment.md §8.7, §8.8, §9.3). */
export function requireBrandNew(order: SimOrder, action: string): void {
  if (order.status !== "brand_new") throw invalidRequest(`The order is ${order.status}: it can be ${action} only while brand_new`);
}

export function requireKind(order: SimOrder, kinds: readonly FulfillmentKind[], what: string): void {
  if (!kinds.includes(order.kind))
    throw invalidRequest(`This operation is for ${what} orders; order ${order.id} is a ${order.kind.replace("_", " ")} order`);
}

/** Cancels an order (not once delivered or canceled) and sends the Canceled callback. */
export function cancel(world: World, order: SimOrder, reason: NonNullable<SimOrder["cancellationReason"]>): void {
  if (FINAL_STATUSES.has(order.status)) throw invalidRequest(`The order is already ${order.status} and cannot be canceled`);
  order.status = "canceled";
  order.cancellationReason = reason;
  order.closedAt = world.clock.now();
  world.events.emit("canceled", { order_id: order.id });
}

/**
 * Applies an update's full item list (fulfillment.md §8.7): lines left out are removed, a new
 * `line_num` is added, an existing one is updated (count, weight, special instructions, replacement
 * items), and reusing a removed line's `line_num` restores it.
 */
export function applyItems(world: World, order: SimOrder, items: readonly S["OrderItem"][]): void {
  const incoming = linesFrom(world, items); // checks duplicates
  const byNum = new Map(order.lines.map((line) => [line.lineNum, line]));
  for (const line of order.lines) line.removed = true;
  for (const fresh of incoming) {
    const existing = byNum.get(fresh.lineNum);
    if (existing === undefined) {
      order.lines.push(fresh);
      continue;
    }
    Object.assign(existing, { removed: false, count: fresh.count, weight: fresh.weight, specialInstructions: fresh.specialInstructions });
  }
}
