/**
 * Sandbox shoppers and their item changes, and sandbox Instacart users for account linking
 * (sandbox.md §2, §3). A shopper's replacement becomes a post-checkout line item with replacement
 * status PENDING, for the customer to approve or reject.
 */
import type { components } from "../../../generated/schema.js";
import { invalidParameter, notFound } from "../errors.js";
import { nextId, type ItemRef, type LineStatus, type SimLine, type SimOrder } from "../state.js";
import { bodyOf, param, type Handler, type HandlerContext } from "./context.js";
import { requireShopper, sandboxOrder } from "./sandbox-batches.js";

type S = components["schemas"];
/** How long an authorization code can be exchanged (the simulator's choice: the docs do not say). */
const CODE_MS = 10 * 60_000;

const createSandboxShopper: Handler = (context) => {
  const { world } = context;
  const body = bodyOf<S["CreateSandboxShopperRequest"]>(context);
  if (body.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(body.email)) throw invalidParameter("email", "Invalid email");
  if (body.phone !== undefined && !/^\+?[0-9][0-9 ().-]{5,}$/.test(body.phone)) throw invalidParameter("phone", "Invalid phone number");
  if (body.phone !== undefined && [...world.state.shoppers.values()].some((shopper) => shopper.phone === body.phone)) {
    throw invalidParameter("phone", "An account already exists with this number");
  }
  const shopper = { id: nextId(world.state, "shopper"), email: body.email, phone: body.phone };
  world.state.shoppers.set(shopper.id, shopper);
  return { id: shopper.id } satisfies S["SandboxShopper"];
};

function shopperOrder(context: HandlerContext): SimOrder {
  requireShopper(context, context.params.shopper_id);
  const order = sandboxOrder(context, param(context, "order_id"));
  if (order === undefined) throw notFound();
  return order;
}

/** The shopper adds an item at the customer's request: a new line, found. */
const createSandboxShopperOrderItem: Handler = (context) => {
  const order = shopperOrder(context);
  const body = bodyOf<S["CreateSandboxShopperOrderItemRequest"]>(context);
  const last = Math.max(0, ...order.lines.map((line) => Number(line.lineNum)).filter(Number.isFinite));
  const line: SimLine = {
    id: context.world.random.token(16),
    lineNum: String(last + 1),
    item: body.item as ItemRef,
    count: body.delivered_count,
    weight: body.delivered_weight,
    specialInstructions: undefined,
    replacementPolicy: undefined,
    status: "FOUND",
    replacementStatus: "SUBSTITUTION_STATUS_UNSPECIFIED",
    replacement: undefined,
    deliveredCount: body.delivered_count,
    deliveredWeight: body.delivered_weight,
    removed: false,
  };
  order.lines.push(line);
  return { success: true } satisfies S["SandboxSuccess"];
};

const STATUSES: Record<string, LineStatus> = { not_found: "NOT_PICKED", found: "FOUND", replaced: "REPLACED", to_refund: "TO_REFUND" };

/**
 * The shopper finds, replaces or refunds an item. A replacement waits for the customer (PENDING) and
 * sends Order item replacement; a refund sends Order item refund (both inferred from the names).
 */
const updateSandboxShopperOrderItem: Handler = (context) => {
  const order = shopperOrder(context);
  const lineNum = param(context, "line_num");
  const line = order.lines.find((candidate) => candidate.lineNum === lineNum && !candidate.removed);
  if (line === undefined) throw notFound(`Order item ${lineNum} not found`);
  const body = bodyOf<S["UpdateSandboxShopperOrderItemRequest"]>(context);
  if (body.status === "replaced" && body.replacement_item === undefined && line.replacement === undefined) {
    throw invalidParameter("replacement_item", "can't be blank");
  }
  if (body.delivered_count !== undefined) line.deliveredCount = body.delivered_count;
  if (body.delivered_weight !== undefined) line.deliveredWeight = body.delivered_weight;
  if (body.replacement_item !== undefined) line.replacement = body.replacement_item as ItemRef;
  if (body.status !== undefined) line.status = STATUSES[body.status] ?? line.status;
  if (body.status === "replaced") {
    line.replacementStatus = "PENDING";
    context.world.events.emit("order-item-replacement", { order_id: order.id });
  } else if (body.status === "to_refund") {
    line.deliveredCount = 0; // the docs: with to_refund, delivered_count is 0
    context.world.events.emit("order-item-refund", { order_id: order.id });
  }
  return { success: true } satisfies S["SandboxSuccess"];
};

const createSandboxInstacartUser: Handler = (context) => {
  const { world } = context;
  const body = bodyOf<S["CreateSandboxInstacartUserRequest"]>(context);
  if ([...world.state.instacartUsers.values()].some((user) => user.email === body.email)) {
    throw invalidParameter("email", "An account already exists with this email");
  }
  const member = body.instacartplus_member ?? body.express_member ?? false;
  const user = {
    id: nextId(world.state, "instacartUser"),
    email: body.email,
    phone: body.phone,
    instacartplusMember: member,
    linkedTo: undefined,
  };
  world.state.instacartUsers.set(user.id, user);
  return { id: user.id } satisfies S["SandboxInstacartUser"];
};

/** An authorization code to exchange at the token endpoint (grant `authorization_code`) for a linking token. */
const authorizeSandboxInstacartUser: Handler = (context) => {
  const { world } = context;
  const userId = Number(context.params.user_id);
  if (!world.state.instacartUsers.has(userId)) throw invalidParameter("user_id", "Invalid user_id");
  const body = bodyOf<S["AuthorizeSandboxInstacartUserRequest"]>(context);
  const code = world.random.token(43);
  world.state.authorizationCodes.set(code, {
    instacartUserId: userId,
    redirectUri: body.redirect_uri,
    scope: body.scope,
    expiresAt: world.clock.now() + CODE_MS,
  });
  return { code } satisfies S["SandboxAuthorizationCode"];
};

export const sandboxPeopleHandlers: Record<string, Handler> = {
  createSandboxShopper,
  createSandboxShopperOrderItem,
  updateSandboxShopperOrderItem,
  createSandboxInstacartUser,
  authorizeSandboxInstacartUser,
};
