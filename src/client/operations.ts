/**
 * Operation lookup: what the generated table says of `METHOD path`, with the call target and the
 * names of the path's parameters, worked out once per path of the spec.
 */
import { operations, type OperationFacts } from "../../generated/operations.js";
import type { CallTarget } from "../errors.js";
import { PATH_PARAM, templateSerializer, type PathSerializer } from "../transport/fast-path.js";

/** One operation, ready for calls. */
export interface OperationPlan {
  readonly target: CallTarget;
  /** undefined for a path the spec does not know. */
  readonly facts: OperationFacts | undefined;
  /** The names of the path template's parameters (`{user_id}` → `user_id`). */
  readonly pathParams: readonly string[];
  /** Fills the parameters into the server's URL of the path. */
  readonly serialize: PathSerializer;
}

/**
 * A lookup (for the client of `baseUrl`) that remembers the plans of the spec's operations (bounded
 * by the spec); other paths are planned per call. Keyed by method, then path: a call's path is a
 * literal whose hash is known, where a `METHOD path` key would be a new string to hash per call.
 */
export function createOperationLookup(baseUrl: string): (method: string, path: string) => OperationPlan {
  const plans = new Map<string, Map<string, OperationPlan>>();
  return (method, path) => {
    let byPath = plans.get(method);
    if (byPath === undefined) {
      byPath = new Map();
      plans.set(method, byPath);
    }
    let plan = byPath.get(path);
    if (plan === undefined) {
      const facts = operations[`${method} ${path}`];
      const pathParams = [...path.matchAll(PATH_PARAM)].map((match) => match[1] as string);
      plan = {
        target: { operationId: facts?.operationId, method, path },
        facts,
        pathParams,
        serialize: templateSerializer(baseUrl + path),
      };
      if (facts !== undefined) byPath.set(path, plan);
    }
    return plan;
  };
}
