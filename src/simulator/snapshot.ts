/** `sim.orders`: what a test can read about an order, in the API's own shapes. */
import type { components } from "../../generated/schema.js";
import { orderView } from "./handlers/views.js";
import type { FulfillmentKind, SimOrder } from "./state.js";
import { postCheckoutState } from "./workflows.js";

type S = components["schemas"];

export interface SimulatorOrder {
  readonly id: string;
  /** The Connect user (undefined for dispatch orders created without one). */
  readonly userId: string | undefined;
  readonly kind: FulfillmentKind;
  /** The Fulfillment `status`. */
  readonly status: string;
  /** The post-checkout `workflow_state`. */
  readonly workflowState: string;
  /** What `getOrder` answers. */
  readonly order: S["Order"];
  /** Each line with its shopper status and replacement (post-checkout shape). */
  readonly lines: readonly { lineNum: string; status: string; replacementStatus: string; id: string }[];
}

export function snapshot(order: SimOrder): SimulatorOrder {
  return {
    id: order.id,
    userId: order.userId,
    kind: order.kind,
    status: order.status,
    workflowState: postCheckoutState(order),
    order: orderView(order),
    lines: order.lines
      .filter((line) => !line.removed)
      .map((line) => ({ lineNum: line.lineNum, status: line.status, replacementStatus: line.replacementStatus, id: line.id })),
  };
}
