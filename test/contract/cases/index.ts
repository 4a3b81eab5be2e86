/** Every operation's contract case, by operationId. Each API area has its own file. */
import type { ContractCases } from "../harness.ts";
import { authCases } from "./auth.ts";
import { userCases } from "./users.ts";
import { postCheckoutCases } from "./post-checkout.ts";

export const cases: ContractCases = {
  ...authCases,
  ...userCases,
  ...postCheckoutCases,
};
