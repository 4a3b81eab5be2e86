/**
 * Operation lookup: what the generated table says of `METHOD path`, with the call target and the
 * names of the path's parameters, worked out once per path of the spec.
 */
import { operations, type OperationFacts } from "../../generated/operations.js";
import type { CallTarget } from "../errors.js";

/** One operation, ready for calls. */
export interface OperationPlan {
  readonly target: CallTarget;
  /** undefined for a path the spec does not know. */
  readonly facts: OperationFacts | undefined;
  /** The names of the path template's parameters (`{user_id}` → `user_id`). */
  readonly pathParams: readonly string[];
}

/** `{name}` in a path template. */
export const PATH_PARAM = /\{([^{}]+)\}/g;

/** A lookup that remembers the plans of the spec's operations (bounded by the spec); other paths are planned per call. */
export function createOperationLookup(): (method: string, path: string) => OperationPlan {
  /** Plans by `METHOD path`, as the table keys them. */
  const plans = new Map<string, OperationPlan>();
  return (method, path) => {
    const key = `${method} ${path}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      const facts = operations[key];
      const pathParams = [...path.matchAll(PATH_PARAM)].map((match) => match[1] as string);
      plan = { target: { operationId: facts?.operationId, method, path }, facts, pathParams };
      if (facts !== undefined) plans.set(key, plan);
    }
    return plan;
  };
}
