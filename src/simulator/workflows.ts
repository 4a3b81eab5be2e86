/**
 * Sandbox batch workflows, and what each state change does to the order and which event callback it
 * sends. Sources: sandbox.md §1.2 (the state sequences, A) and the table "Sandbox states, shopper
 * actions and the callbacks they cause" in corrections.md (A for the actions, **inferred** for the
 * callback each state sends: the docs give no mapping, it follows the matching names).
 *
 * Inferred parts are marked `inferred: true` and listed in docs/testing-offline.md.
 */
import type { BatchType, FulfillmentKind, SimOrder } from "./state.js";

export interface Workflow {
  /** The states in order; `advance` without a target moves to the next one. */
  readonly states: readonly string[];
  /** The state a new batch starts in when the request names none. */
  readonly initial: string;
  /** Which order kinds the batch type takes. */
  readonly kinds: readonly FulfillmentKind[];
  /** Whether the sequence itself is inferred (not printed by the docs). */
  readonly inferred: boolean;
}

export const WORKFLOWS: Readonly<Record<BatchType, Workflow>> = {
  // A: the full sequence; generating a batch answers `acknowledged` (the shopper is assigned).
  delivery: {
    states: [
      "brand_new",
      "acknowledged",
      "picking",
      "verifying_replacements",
      "checkout",
      "receipt_sanity_check",
      "delivering",
      "completed",
    ],
    initial: "acknowledged",
    kinds: ["delivery"],
    inferred: false,
  },
  // A from receipt_sanity_check on; the start ("…") is inferred to be the delivery one.
  pickup: {
    states: ["brand_new", "acknowledged", "picking", "verifying_replacements", "checkout", "receipt_sanity_check", "bags_check", "staged"],
    initial: "acknowledged",
    kinds: ["pickup"],
    inferred: true,
  },
  // A: the runner part of a pickup order.
  runner_customer: {
    states: ["brand_new", "at_store", "bags_verified", "completed"],
    initial: "brand_new",
    kinds: ["pickup"],
    inferred: false,
  },
  // Only `brand_new` is public; the rest follows the last mile callbacks and post-checkout states (inferred).
  delivery_only: {
    states: ["brand_new", "acknowledged_for_delivery", "at_store", "bags_verified", "delivering", "completed"],
    initial: "brand_new",
    kinds: ["last_mile", "dispatch"],
    inferred: true,
  },
};

/**
 * The webhook (key under the spec's `webhooks`) a batch state sends, per batch type. All inferred
 * from the names (corrections.md); `brand-new` is sent when the order is created, not by a batch.
 */
export const STATE_CALLBACKS: Readonly<Record<BatchType, Readonly<Record<string, string>>>> = {
  delivery: { acknowledged: "acknowledged", picking: "picking", checkout: "checkout", delivering: "delivering", completed: "delivered" },
  pickup: { acknowledged: "acknowledged", picking: "picking", checkout: "checkout", staged: "staged" },
  runner_customer: { at_store: "pickup-runner-started", completed: "delivered" },
  delivery_only: {
    acknowledged_for_delivery: "acknowledged-for-delivery",
    at_store: "at-store",
    bags_verified: "bags-verified",
    delivering: "delivering",
    completed: "delivered",
  },
};

/** Statuses after which an order can no longer be canceled or changed. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(["delivered", "canceled"]);

/**
 * The order `status` a batch state gives (inferred: the docs name `brand_new`, `acknowledged`,
 * `picking` and `staged` as statuses; `completed` becomes `delivered`, the name of its callback). A
 * runner batch that has just been created leaves the order `staged`.
 */
export function orderStatusFor(type: BatchType, workflowState: string, current: string): string {
  if (workflowState === "completed") return "delivered";
  if (type === "runner_customer" && workflowState === "brand_new") return current;
  return workflowState;
}

/** Post-checkout `fulfillment_type` (post-checkout.md §1.1). */
export function fulfillmentType(kind: FulfillmentKind): "delivery" | "pickup" | "last_mile_delivery" {
  return kind === "last_mile" || kind === "dispatch" ? "last_mile_delivery" : kind;
}

/**
 * Post-checkout `workflow_state` of an order: its status, except a staged pickup order, which is
 * `ready_for_pickup` (A, schedule-pickup page), and a staged last mile order, `staged_for_delivery`
 * (inferred from the LMD states of post-checkout.md §1.2).
 */
export function postCheckoutState(order: SimOrder): string {
  if (order.status === "staged" && order.kind === "pickup") return "ready_for_pickup";
  if (order.status === "staged" && (order.kind === "last_mile" || order.kind === "dispatch")) return "staged_for_delivery";
  return order.status;
}
