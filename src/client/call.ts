/**
 * One call of the client: the call's options and path parameters checked, the operation's rules
 * applied (development-only, front-end, deprecated), openapi-fetch run with the transport as its
 * `fetch`, and the result shaped (an error status always has an `error`; a documented body is there).
 */
import type { Client, Middleware } from "openapi-fetch";
import { servers } from "../../generated/operations.js";
import type { paths } from "../../generated/schema.js";
import { warnDeprecatedOperation } from "../deprecation.js";
import { ConnectError, ConnectRequestError, ConnectResponseError, describeTarget } from "../errors.js";
import { requestClass, type OutgoingRequest } from "../transport/fast-path.js";
import type { HookErrorReporter } from "../transport/hooks.js";
import type { CallContext, Transport } from "../transport/transport.js";
import { checkPathParams, splitCallOptions } from "./call-options.js";
import type { OperationPlan } from "./operations.js";
import type { ClientSettings } from "./options.js";
import { tagResult, type CallResult } from "./result.js";

export interface CallDeps {
  readonly settings: ClientSettings;
  /** The openapi-fetch client every call goes through. */
  readonly inner: Client<paths, "application/json">;
  readonly lookup: (method: string, path: string) => OperationPlan;
  readonly transport: Transport;
  /** Middleware registered through `use` (a call with none can use the fast path). */
  readonly middlewares: readonly Middleware[];
  readonly redact: (text: string) => string;
  readonly onHookError: HookErrorReporter;
}

/** Makes one call of `method path` for the client of `userId`. */
export type Call = (
  method: string,
  path: string,
  init: Record<string, unknown> | undefined,
  userId: string | undefined,
) => Promise<CallResult>;

/** openapi-fetch's `request(method, path, init)`, untyped: the typed surface is `ConnectMethod`. */
type RequestFn = (method: string, path: string, init: Record<string, unknown>) => Promise<CallResult>;

/** Applies what the spec says of the operation: where it may run, who may call it, whether it is deprecated. */
function applyOperationRules(deps: CallDeps, plan: OperationPlan, userId: string | undefined): void {
  const { target, facts } = plan;
  if (facts?.developmentOnly && deps.settings.baseUrl === servers.production) {
    throw new ConnectRequestError(
      `${describeTarget(target)} exists only on development servers (Sandbox); this client talks to production.`,
      {
        target,
      },
    );
  }
  if (facts?.grant === "fulfillment_user_assertion" && userId === undefined) {
    const how = "needs a user access token: call it through connect.forUser(userId)";
    throw new ConnectRequestError(`${describeTarget(target)} is a front-end operation that ${how}.`, { target });
  }
  if (facts?.deprecated) {
    try {
      warnDeprecatedOperation(deps.settings.onDeprecation, target, facts.replacedBy);
    } catch (error) {
      deps.onHookError("onDeprecation", error);
    }
  }
}

/** Checks a call before anything is sent; returns its context and openapi-fetch's options (the call's own copy). */
function prepare(deps: CallDeps, method: string, path: string, init: Record<string, unknown> | undefined, userId: string | undefined) {
  const plan = deps.lookup(method, path);
  const { target, facts: operation } = plan;
  const { settings } = deps;
  const options = splitCallOptions(target, init, { timeout: settings.timeout, maxRetries: settings.retry.maxRetries });
  checkPathParams(target, plan.pathParams, options.request.params);
  applyOperationRules(deps, plan, userId);
  const { timeout, maxRetries, idempotent, request } = options;
  const json = (request.parseAs ?? "json") === "json";
  const context: CallContext = { target, operation, userId, timeout, maxRetries, idempotent, json };
  return { context, init: request };
}

/** An error status always has an `error`; a success the spec documents a body for has one. */
function shape(result: CallResult, context: CallContext): CallResult {
  const { response } = result;
  if (!response.ok && (result.error === undefined || result.error === "")) {
    // An error status with an empty body is still an error: give `error` Instacart's envelope shape.
    const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""} with an empty body`;
    return { error: { error: { message } }, response };
  }
  if (response.ok && result.data === undefined && context.operation?.bodyRequired && context.json) {
    throw new ConnectResponseError(context.target, response.status, "an empty body, where the spec documents one");
  }
  return result;
}

/** Runs one call through openapi-fetch, with the transport as its `fetch`. */
async function call(
  deps: CallDeps,
  method: string,
  path: string,
  callInit: Record<string, unknown> | undefined,
  userId: string | undefined,
) {
  const { context, init } = prepare(deps, method, path, callInit, userId);
  const withMiddleware = deps.middlewares.length > 0 || (Array.isArray(init.middleware) && init.middleware.length > 0);
  // Real Requests when middleware will see them; otherwise the fast path (see transport/fast-path.ts).
  init.Request = requestClass(withMiddleware);
  init.fetch = (outgoing: OutgoingRequest) => deps.transport(outgoing, context);
  let result: CallResult;
  try {
    result = await (deps.inner.request as unknown as RequestFn)(method, path, init);
  } catch (error) {
    if (error instanceof ConnectError) throw error;
    if (error instanceof SyntaxError && context.status !== undefined) {
      throw new ConnectResponseError(context.target, context.status, "a body that is not valid JSON", { cause: error });
    }
    throw error;
  }
  const shaped = shape(result, context);
  tagResult(shaped, context.target, deps.redact);
  return shaped;
}

export function createCall(deps: CallDeps): Call {
  return (method, path, init, userId) => call(deps, method, path, init, userId);
}
