/** Order feedback (fulfillment.md §11): the rating is kept on the order. */
import type { components } from "../../../generated/schema.js";
import { bodyOf, param, type Handler } from "./context.js";
import { customerOrder } from "./post-checkout.js";
import { userOrder } from "./views.js";

type S = components["schemas"];

const createOrUpdateOrderFeedback: Handler = (context) => {
  const order = userOrder(context.world, param(context, "user_id"), param(context, "order_id"));
  order.rating = bodyOf<S["OrderFeedbackRequest"]>(context);
  return { success: true } satisfies S["OrderFeedbackResponse"];
};

const createOrUpdateOrderFeedbackFrontend: Handler = (context) => {
  const order = customerOrder(context);
  order.rating = bodyOf<S["OrderFeedbackRequest"]>(context);
  return { success: true } satisfies S["OrderFeedbackResponse"];
};

export const feedbackHandlers: Record<string, Handler> = { createOrUpdateOrderFeedback, createOrUpdateOrderFeedbackFrontend };
