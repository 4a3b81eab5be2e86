/** How records are shown in answers, and the lookups every area shares. */
import type { components } from "../../../generated/schema.js";
import { isoSeconds } from "../clock.js";
import { invalidParameter, notFound } from "../errors.js";
import type { ItemRef, SimLine, SimOrder, SimServiceOption, SimulatorStore, SimUser } from "../state.js";
import type { World } from "./context.js";

type S = components["schemas"];

/** The Order object of the Fulfillment API (fulfillment.md §2.14). */
export function orderView(order: SimOrder): S["Order"] {
  const details: S["OrderFulfillmentDetails"] = {
    window_starts_at: isoSeconds(order.startsAt),
    window_ends_at: isoSeconds(order.endsAt),
  };
  if (order.storeShown) details.store_location = order.locationCode;
  if (order.deliveredAt !== undefined) details.delivered_at = isoSeconds(order.deliveredAt);
  if (order.bagsCount !== undefined) details.bag_count = order.bagsCount;
  const view: S["Order"] = {
    id: order.id,
    status: order.status,
    created_at: isoSeconds(order.createdAt),
    is_instacartplus: false,
    fulfillment_details: details,
    items: order.lines.filter((line) => !line.removed).map(lineView),
    pos_payment_method: "UNSPECIFIED",
  };
  if (order.locale !== undefined) view.locale = order.locale;
  if (order.cancellationReason !== undefined) view.cancellation_reason = order.cancellationReason;
  return view;
}

function lineView(line: SimLine): S["OrderResponseItem"] {
  const byWeight = line.count === undefined && line.weight !== undefined;
  const item: S["OrderResponseItem"] = {
    line_num: line.lineNum,
    qty: line.deliveredCount ?? line.deliveredWeight ?? line.count ?? line.weight ?? 0,
    qty_unit: byWeight ? "lb" : "each",
    replaced: line.status === "REPLACED" && line.replacementStatus !== "REJECTED",
    refunded: line.status === "TO_REFUND",
  };
  if (line.replacementPolicy !== undefined) item.replacement_policy = line.replacementPolicy;
  return item;
}

export function storeView(store: SimulatorStore): S["Store"] {
  return { name: store.name, location_code: store.location_code, flags: { ...store.flags, alcohol: store.flags.alcohol ?? false } };
}

export function serviceOptionView(option: SimServiceOption): S["ServiceOption"] {
  return {
    id: option.id,
    service_option_reference: option.reference,
    date: isoSeconds(option.startsAt).slice(0, 10),
    window: { start_at: isoSeconds(option.startsAt), end_at: isoSeconds(option.endsAt), type: option.type },
    availability: { available: true, reasons: [] },
  };
}

/** The simulator has no catalog: an item is named after its code. */
export function itemName(item: ItemRef | undefined): string {
  if (item === undefined) return "Item";
  return "upc" in item ? `UPC ${item.upc}` : `RRC ${item.rrc}`;
}

/** A Connect user, or 400 "User not found" (the error-codes page's example). */
export function requireUser(world: World, userId: string): SimUser {
  const user = world.state.users.get(userId);
  if (user === undefined) throw invalidParameter("user_id", "User not found");
  return user;
}

/** An order of this user, or 404 "Resource not found" (code 4000). */
export function userOrder(world: World, userId: string | undefined, orderId: string): SimOrder {
  const order = world.state.orders.get(orderId);
  if (order === undefined || (userId !== undefined && order.userId !== userId)) throw notFound();
  return order;
}

export function requireStore(world: World, locationCode: string): SimulatorStore {
  const store = world.state.stores.find((candidate) => candidate.location_code === locationCode);
  if (store === undefined) throw invalidParameter("location_code", "Store not found");
  return store;
}

/** A stable numeric id for a Connect user (chat messages carry integer ids). */
export function numericUserId(userId: string): number {
  let hash = 7;
  for (const char of userId) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return hash;
}
