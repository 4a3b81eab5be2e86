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

function planOf(method: string, path: string): OperationPlan {
  const facts = operations[`${method} ${path}`];
  return {
    target: { operationId: facts?.operationId, method, path },
    facts,
    pathParams: [...path.matchAll(PATH_PARAM)].map((match) => match[1] as string),
  };
}

/** A lookup that remembers the plans of the spec's operations (bounded by the spec); other paths are planned per call. */
export function createOperationLookup(): (method: string, path: string) => OperationPlan {
  /** Plans by method, then by path template. */
  const plans = new Map<string, Map<string, OperationPlan>>();
  return (method, path) => {
    let byPath = plans.get(method);
    if (byPath === undefined) {
      byPath = new Map();
      plans.set(method, byPath);
    }
    let plan = byPath.get(path);
    if (plan === undefined) {
      plan = planOf(method, path);
      if (plan.facts !== undefined) byPath.set(path, plan);
    }
    return plan;
  };
}
