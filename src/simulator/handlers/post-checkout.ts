/**
 * Post-checkout views of the same orders, for the user of a user access token (post-checkout.md
 * §2–§3): the order's state, handling details, location while delivering, line items and the
 * customer's answer to a shopper's replacement.
 */
import type { components } from "../../../generated/schema.js";
import { apiError, invalidRequest, notFound } from "../errors.js";
import type { SimLine, SimOrder } from "../state.js";
import { fulfillmentType, postCheckoutState } from "../workflows.js";
import { bodyOf, param, type Handler, type HandlerContext } from "./context.js";
import { itemName } from "./views.js";

type S = components["schemas"];

/** The order of the token's user (a user token sees only that user's orders). */
export function customerOrder(context: HandlerContext): SimOrder {
  const order = context.world.state.orders.get(param(context, "order_id"));
  if (order === undefined || order.userId === undefined || order.userId !== context.token?.userId) throw notFound();
  return order;
}

const getPostCheckoutOrder: Handler = (context) => {
  const order = customerOrder(context);
  return { workflow_state: postCheckoutState(order), fulfillment_type: fulfillmentType(order.kind) } satisfies S["PostCheckoutOrder"];
};

/** Where the order goes: the delivery address, or the store for pickup. Coordinates are the store's (no geocoder). */
const getPostCheckoutOrderHandling: Handler = (context) => {
  const order = customerOrder(context);
  const store = context.world.state.stores.find((candidate) => candidate.location_code === order.locationCode);
  const place = order.kind === "pickup" || order.address === undefined ? store?.address : order.address;
  const address: S["PostCheckoutAddress"] = {
    address_line_1: place?.address_line_1 ?? "",
    postal_code: place?.postal_code ?? "",
    country_code: (place && "country_code" in place ? place.country_code : undefined) ?? "US",
  };
  return {
    address,
    coordinates: store?.coordinates ?? { latitude: 0, longitude: 0 },
    instructions: order.specialInstructions ?? "",
    leave_unattended: order.leaveUnattended,
    alcoholic: order.alcoholic,
  } satisfies S["PostCheckoutOrderHandling"];
};

/** Empty unless the order is being delivered (post-checkout.md §2.4); then the store's coordinates. */
const getPostCheckoutOrderLocation: Handler = (context) => {
  const order = customerOrder(context);
  if (order.status !== "delivering") return {};
  const store = context.world.state.stores.find((candidate) => candidate.location_code === order.locationCode);
  return { coordinates: store?.coordinates ?? { latitude: 0, longitude: 0 } } satisfies S["OrderLocation"];
};

function quantity(line: SimLine): { quantity: string; cost_unit: string } {
  const byWeight = line.count === undefined && line.weight !== undefined;
  return {
    quantity: String(line.deliveredCount ?? line.deliveredWeight ?? line.count ?? line.weight ?? 0),
    cost_unit: byWeight ? "lb" : "each",
  };
}

function lineItem(line: SimLine): S["LineItem"] {
  const item: S["LineItem"] = {
    id: line.id,
    status: line.status,
    replacement_status: line.replacementStatus,
    line_num: line.lineNum,
    item: { name: itemName(line.item), ...quantity(line) },
  };
  if (line.replacement !== undefined) item.replacement = { name: itemName(line.replacement), ...quantity(line) };
  return item;
}

const getPostCheckoutOrderItems: Handler = (context) => {
  const order = customerOrder(context);
  return { line_items: order.lines.filter((line) => !line.removed).map(lineItem) } satisfies S["OrderLineItems"];
};

/**
 * Approve or reject a shopper's replacement: while the shopper is picking or waiting for the
 * customer's verdict, and only for a REPLACED line still PENDING (post-checkout.md §3.2).
 */
const handleOrderItemReplacement: Handler = (context) => {
  const order = customerOrder(context);
  const id = param(context, "order_item_id");
  const line = order.lines.find((candidate) => candidate.id === id && !candidate.removed);
  if (line === undefined) throw notFound(`Order item ${id} not found`);
  if (!["picking", "verifying_replacements"].includes(order.status)) {
    throw invalidRequest(`The order is ${order.status}: replacements are answered while the shopper is picking`);
  }
  if (line.status !== "REPLACED" || line.replacementStatus !== "PENDING")
    throw apiError(400, "Order item change already responded to", 1001);
  const body = bodyOf<S["HandleOrderItemReplacementRequest"]>(context);
  line.replacementStatus = body.status;
  if (body.status === "REJECTED" && body.alternative_item === undefined) line.status = "TO_REFUND";
  if (body.status === "REJECTED" && body.alternative_item !== undefined) {
    const { upc, rrc } = body.alternative_item;
    line.replacement = upc !== undefined ? { upc } : rrc !== undefined ? { rrc } : line.replacement;
  }
  return {};
};

export const postCheckoutHandlers: Record<string, Handler> = {
  getPostCheckoutOrder,
  getPostCheckoutOrderHandling,
  getPostCheckoutOrderLocation,
  getPostCheckoutOrderItems,
  handleOrderItemReplacement,
};
