/** Every operation's contract case, by operationId. Each API area has its own file. */
import type { ContractCases } from "../harness.ts";
import { authCases } from "./auth.ts";
import { catalogCases } from "./catalog.ts";
import { fulfillmentOrderCases } from "./fulfillment-orders.ts";
import { fulfillmentShoppingCases } from "./fulfillment-shopping.ts";
import { postCheckoutCases } from "./post-checkout.ts";
import { recommendationCases } from "./recommendations.ts";
import { sandboxCases } from "./sandbox.ts";
import { transactionCases } from "./transaction.ts";
import { userCases } from "./users.ts";

export const cases: ContractCases = {
  ...authCases,
  ...userCases,
  ...fulfillmentShoppingCases,
  ...fulfillmentOrderCases,
  ...postCheckoutCases,
  ...recommendationCases,
  ...transactionCases,
  ...sandboxCases,
  ...catalogCases,
};
