/** Every operation's contract case, by operationId. Each API area has its own file. */
import type { ContractCases } from "../harness.ts";
import { authCases } from "./auth.ts";
import { fulfillmentShoppingCases } from "./fulfillment-shopping.ts";
import { userCases } from "./users.ts";
import { recommendationCases } from "./recommendations.ts";
import { transactionCases } from "./transaction.ts";
import { sandboxCases } from "./sandbox.ts";
import { catalogCases } from "./catalog.ts";

export const cases: ContractCases = {
  ...authCases,
  ...fulfillmentShoppingCases,
  ...userCases,
  ...recommendationCases,
  ...transactionCases,
  ...sandboxCases,
  ...catalogCases,
};
