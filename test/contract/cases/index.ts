/** Every operation's contract case, by operationId. Each API area has its own file. */
import type { ContractCases } from "../harness.ts";
import { authCases } from "./auth.ts";
import { fulfillmentOrderCases } from "./fulfillment-orders.ts";
import { userCases } from "./users.ts";

export const cases: ContractCases = {
  ...authCases,
  ...userCases,
  ...fulfillmentOrderCases,
};
