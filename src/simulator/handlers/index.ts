/**
 * Which handler answers each operation. Stateful operations have their own; operations with no
 * state to keep are validated, recorded and answered with the spec's own example (`EXAMPLE_ANSWERED`).
 * An operation the table does not name (a renamed operationId, or a POST twin of a PUT after a spec
 * change) is served by the handler of another operation on the same path (a read by a read, a write
 * by a write), or else from its example.
 */
import type { Contract, OperationInfo } from "../validate.js";
import { chatHandlers } from "./chat.js";
import type { Handler } from "./context.js";
import { feedbackHandlers } from "./feedback.js";
import { lastMileHandlers } from "./last-mile.js";
import { oauthHandlers } from "./oauth.js";
import { orderHandlers } from "./orders.js";
import { pickupHandlers } from "./pickup.js";
import { postCheckoutHandlers } from "./post-checkout.js";
import { sandboxBatchHandlers } from "./sandbox-batches.js";
import { sandboxPeopleHandlers } from "./sandbox-people.js";
import { serviceOptionHandlers } from "./service-options.js";
import { storeHandlers } from "./stores.js";
import { userHandlers } from "./users.js";

export const STATEFUL_HANDLERS: Readonly<Record<string, Handler>> = {
  ...oauthHandlers,
  ...userHandlers,
  ...storeHandlers,
  ...serviceOptionHandlers,
  ...orderHandlers,
  ...lastMileHandlers,
  ...feedbackHandlers,
  ...postCheckoutHandlers,
  ...chatHandlers,
  ...pickupHandlers,
  ...sandboxBatchHandlers,
  ...sandboxPeopleHandlers,
};

/**
 * Validated and recorded, answered with the spec's example: Recommendations (no catalog to recommend
 * from), Transaction (nothing to keep), Catalog submissions (nothing reads them back) and validate
 * items (no catalog: every item passes).
 */
export const EXAMPLE_ANSWERED: readonly string[] = [
  "findReplacementItemsBackend",
  "findReplacementItemsForOrderBackend",
  "findComplementaryItemsBackend",
  "findComplementaryItemsForOrderBackend",
  "findReplacementItemsFrontend",
  "findReplacementItemsForOrderFrontend",
  "findComplementaryItemsFrontend",
  "findComplementaryItemsForOrderFrontend",
  "sendPosTransaction",
  "submitCatalogProducts",
  "submitCatalogItems",
  "validateItems",
];

export interface HandlerTable {
  handlerFor(operation: OperationInfo): Handler;
  /** How each operation is answered: by a stateful handler, or with the spec's example. */
  answers: ReadonlyMap<string, "stateful" | "example">;
}

/** The handler of every operation of the contract, resolved once. */
export function handlerTable(contract: Contract): HandlerTable {
  const pathKey = (operation: OperationInfo): string => `${operation.method === "GET" ? "read" : "write"} ${operation.path}`;
  const byPath = new Map<string, Handler>();
  for (const operation of contract.operations.values()) {
    const handler = STATEFUL_HANDLERS[operation.operationId];
    if (handler && !byPath.has(pathKey(operation))) byPath.set(pathKey(operation), handler);
  }
  const table = new Map<string, Handler>();
  const answers = new Map<string, "stateful" | "example">();
  for (const operation of contract.operations.values()) {
    const handler = STATEFUL_HANDLERS[operation.operationId] ?? byPath.get(pathKey(operation));
    table.set(operation.operationId, handler ?? (() => contract.example(operation.operationId)));
    answers.set(operation.operationId, handler ? "stateful" : "example");
  }
  const missing: Handler = () => {
    throw new Error("no handler: the operation is not in the contract the table was built from");
  };
  return { handlerFor: (operation) => table.get(operation.operationId) ?? missing, answers };
}
