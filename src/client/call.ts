/**
 * One call of the client: the call's options and path parameters checked, the operation's rules
 * applied (development-only, front-end, deprecated), openapi-fetch run with the transport as its
 * `fetch`, and the result shaped (an error status always has an `error`; a documented body is there).
 */
import type { Client } from "openapi-fetch";
import { servers } from "../../generated/operations.js";
import type { paths } from "../../generated/schema.js";
import { warnDeprecatedOperation } from "../deprecation.js";
import { ConnectRequestError, ConnectResponseError, describeTarget } from "../errors.js";
import { newCallState, type CallState } from "../transport/call-state.js";
import { CallRequest, type OutgoingRequest } from "../transport/fast-path.js";
import { send, type TransportDeps } from "../transport/transport.js";
import { checkPathParams, splitCallOptions } from "./call-options.js";
import type { OperationPlan } from "./operations.js";
import type { ClientSettings } from "./options.js";
import { tagResult, type CallResult } from "./result.js";

/** What a call works with: the client's settings and parts. */
export interface CallDeps extends ClientSettings, TransportDeps {
  readonly hooks: ClientSettings["hooks"];
  /** The openapi-fetch client every call goes through. */
  readonly inner: Client<paths, "application/json">;
  readonly lookup: (method: string, path: string) => OperationPlan;
  /** Whether middleware was ever registered through `use` (openapi-fetch's list cannot be read back). */
  readonly usesMiddleware: boolean;
  readonly redact: (text: string) => string;
}

/** openapi-fetch's `request(method, path, init)`, untyped: the typed surface is `ConnectMethod`. */
type RequestFn = (method: string, path: string, init: Record<string, unknown>) => Promise<CallResult>;

/** Applies what the spec says of the operation: where it may run, who may call it, whether it is deprecated. */
function applyOperationRules(deps: CallDeps, { target, facts }: OperationPlan, userId: string | undefined): void {
  const refuse = (problem: string) => new ConnectRequestError(`${describeTarget(target)} ${problem}.`, { target });
  if (facts?.developmentOnly && deps.baseUrl === servers.production) {
    throw refuse("exists only on development servers (Sandbox); this client talks to production");
  }
  if (facts?.grant === "fulfillment_user_assertion" && userId === undefined) {
    throw refuse("needs a user access token (a front-end operation): call it through connect.forUser(userId)");
  }
  if (facts?.deprecated) {
    try {
      warnDeprecatedOperation(deps.onDeprecation, target, facts.replacedBy);
    } catch (error) {
      deps.onHookError("onDeprecation", error);
    }
  }
}

/** An error status always has an `error` (Instacart's envelope shape for an empty body); a success the spec documents a body for has one. */
function shape(result: CallResult, call: CallState): CallResult {
  const { response } = result;
  if (!response.ok && (result.error === undefined || result.error === "")) {
    const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""} with an empty body`;
    return { error: { error: { message } }, response };
  }
  if (response.ok && result.data === undefined && call.operation?.bodyRequired && call.json) {
    throw new ConnectResponseError(call.target, response.status, "an empty body, where the spec documents one");
  }
  return result;
}

/** Makes one call of `method path` (for the client of `userId`) through openapi-fetch, with the transport as its `fetch`. */
export async function call(
  deps: CallDeps,
  method: string,
  path: string,
  init: Record<string, unknown> | undefined,
  userId: string | undefined,
): Promise<CallResult> {
  const plan = deps.lookup(method, path);
  const { target } = plan;
  const { options, request } = splitCallOptions(target, init, deps);
  checkPathParams(target, plan.pathParams, request.params);
  applyOperationRules(deps, plan, userId);
  const state = newCallState(target, plan.facts, userId, options);
  // Real Requests when middleware will see them; otherwise the fast path (see transport/fast-path.ts).
  const { middleware } = request;
  request.Request = deps.usesMiddleware || (Array.isArray(middleware) && middleware.length > 0) ? Request : CallRequest;
  request.fetch = (outgoing: OutgoingRequest) => send(deps, outgoing, state);
  request.pathSerializer = plan.serialize;
  let result: CallResult;
  try {
    result = await (deps.inner.request as unknown as RequestFn)(method, path, request);
  } catch (error) {
    if (error instanceof SyntaxError && state.status !== undefined) {
      throw new ConnectResponseError(target, state.status, "a body that is not valid JSON", { cause: error });
    }
    throw error;
  }
  const shaped = shape(result, state);
  tagResult(shaped, target, deps.redact);
  return shaped;
}
