/**
 * Sandbox batches (sandbox.md §1, §4): a shopper takes orders through the workflow of the batch type,
 * each state change updating the orders and sending the callback of `STATE_CALLBACKS` (inferred
 * mapping, see workflows.ts); and callbacks fired on demand.
 */
import type { components } from "../../../generated/schema.js";
import { invalidParameter, invalidRequest, notFound } from "../errors.js";
import { nextId, type BatchType, type SimBatch, type SimOrder } from "../state.js";
import { FINAL_STATUSES, orderStatusFor, STATE_CALLBACKS, WORKFLOWS } from "../workflows.js";
import { bodyOf, param, type Handler, type HandlerContext, type World } from "./context.js";
import { cancel } from "./order-records.js";

type S = components["schemas"];
const HOUR = 3_600_000;

/** An order by the retailer's id, or by Instacart's own id when `X-Treat-Ids-As-Internal: true`. */
export function sandboxOrder(context: HandlerContext, id: string): SimOrder | undefined {
  const { orders } = context.world.state;
  if (context.headers["x-treat-ids-as-internal"] === "true") return [...orders.values()].find((order) => String(order.internalId) === id);
  return orders.get(id);
}

export function requireShopper(context: HandlerContext, id: unknown): number {
  const shopperId = Number(id);
  if (!context.world.state.shoppers.has(shopperId)) throw invalidParameter("shopper_id", "Shopper not found");
  return shopperId;
}

/** Moves the batch to `state`: every order it holds follows, and the state's callback is sent per order. */
function enter(world: World, batch: SimBatch, state: string): void {
  batch.workflowState = state;
  const webhook = STATE_CALLBACKS[batch.type][state];
  for (const id of batch.orderIds) {
    const order = world.state.orders.get(id);
    if (order === undefined || order.status === "canceled") continue;
    order.status = orderStatusFor(batch.type, state, order.status);
    if (state === "picking") order.storeShown = true;
    if (state === "completed") {
      order.deliveredAt = world.clock.now();
      order.closedAt = order.deliveredAt;
    }
    if (webhook !== undefined) world.events.emit(webhook, { order_id: order.id });
  }
}

const defaultType = (order: SimOrder): BatchType =>
  order.kind === "delivery" ? "delivery" : order.kind === "pickup" ? "pickup" : "delivery_only";

function batchable(type: BatchType, order: SimOrder): boolean {
  if (!WORKFLOWS[type].kinds.includes(order.kind) || FINAL_STATUSES.has(order.status)) return false;
  return type !== "runner_customer" || order.status === "staged";
}

const generateSandboxBatch: Handler = (context) => {
  const { world } = context;
  const body = bodyOf<S["GenerateSandboxBatchRequest"]>(context);
  const shopperId = requireShopper(context, body.shopper_id);
  const orders = body.orders.map((entry, index) => sandboxOrder(context, entry.id) ?? fail(`orders[${index}]`, "Order not found"));
  const [first] = orders;
  if (first === undefined) throw invalidParameter("orders", "can't be blank");
  const type = body.batch_type ?? defaultType(first);
  for (const [index, order] of orders.entries()) if (!batchable(type, order)) fail(`orders[${index}]`, "Orders unbatchable");
  const workflow = WORKFLOWS[type];
  const initial = body.workflow_state ?? workflow.initial;
  if (!workflow.states.includes(initial)) throw invalidParameter("workflow_state", "is not included in the list");
  const batch: SimBatch = {
    id: nextId(world.state, "batch"),
    shopperId,
    type,
    workflowState: initial,
    orderIds: orders.map((order) => order.id),
  };
  world.state.batches.set(batch.id, batch);
  for (const order of orders) order.batchIds.push(batch.id);
  enter(world, batch, initial);
  return { id: batch.id, workflow_state: batch.workflowState } satisfies S["SandboxBatch"];
};

function fail(key: string, message: string): never {
  throw invalidParameter(key, message);
}

/** To the next state, or to the one named (any state of the workflow: going back repeats callbacks, as the docs warn). */
const advanceSandboxBatch: Handler = (context) => {
  const batch = context.world.state.batches.get(Number(context.params.batch_id));
  if (batch === undefined) throw notFound();
  const { states } = WORKFLOWS[batch.type];
  const target = bodyOf<S["AdvanceSandboxBatchRequest"]>(context).workflow_state;
  if (target !== undefined && !states.includes(target)) throw invalidParameter("workflow_state", "is not included in the list");
  const next = target ?? states[states.indexOf(batch.workflowState) + 1];
  if (next === undefined) throw invalidRequest(`The batch is ${batch.workflowState}, the last state of a ${batch.type} batch`);
  enter(context.world, batch, next);
  return { id: batch.id, workflow_state: batch.workflowState } satisfies S["AdvanceSandboxBatchResponse"];
};

/**
 * Fires canceled, rescheduled or late_delivery (sandbox.md §4.1) and changes the order to match:
 * canceled cancels it (`instacart_driven`, inferred) unless it is already over; rescheduled moves its
 * window two hours later (the new window is the simulator's choice).
 */
const simulateSandboxOrderCallback: Handler = (context) => {
  const { world } = context;
  const order = sandboxOrder(context, param(context, "order_id"));
  if (order === undefined) throw notFound();
  const { event_name: name } = bodyOf<S["SimulateSandboxOrderCallbackRequest"]>(context);
  if (name === "canceled" && !FINAL_STATUSES.has(order.status)) {
    cancel(world, order, "instacart_driven"); // sends the Canceled callback
  } else {
    if (name === "rescheduled") {
      order.startsAt += 2 * HOUR;
      order.endsAt += 2 * HOUR;
    }
    // The webhook of the same name: `late_delivery` → `late-delivery`.
    world.events.emit(name.replace(/_/g, "-"), { order_id: order.id });
  }
  return { success: true } satisfies S["SandboxSuccess"];
};

export const sandboxBatchHandlers: Record<string, Handler> = { generateSandboxBatch, advanceSandboxBatch, simulateSandboxOrderCallback };
