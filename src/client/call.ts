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

export function createCall(deps: CallDeps): Call {
  const { settings, lookup, transport, middlewares } = deps;
  const production = settings.baseUrl === servers.production;
  const defaults = { timeout: settings.timeout, maxRetries: settings.retry.maxRetries };
  const request = deps.inner.request as unknown as RequestFn;

  /** Checks a call before anything is sent; returns its context and openapi-fetch's options. */
  function prepare(method: string, path: string, init: Record<string, unknown> | undefined, userId: string | undefined) {
    const { target, facts, pathParams } = lookup(method, path);
    const options = splitCallOptions(target, init, defaults);
    checkPathParams(target, pathParams, options.request.params);
    if (facts?.developmentOnly && production) {
      throw new ConnectRequestError(
        `${describeTarget(target)} exists only on development servers (Sandbox); this client talks to production.`,
        { target },
      );
    }
    if (facts?.grant === "fulfillment_user_assertion" && userId === undefined) {
      throw new ConnectRequestError(
        `${describeTarget(target)} is a front-end operation that needs a user access token: call it through connect.forUser(userId).`,
        { target },
      );
    }
    if (facts?.deprecated) {
      try {
        warnDeprecatedOperation(settings.onDeprecation, target, facts.replacedBy);
      } catch (error) {
        deps.onHookError("onDeprecation", error);
      }
    }
    const context: CallContext = {
      target,
      operation: facts,
      userId,
      timeout: options.timeout,
      maxRetries: options.maxRetries,
      idempotent: options.idempotent,
      json: (options.request.parseAs ?? "json") === "json",
    };
    return { context, init: options.request };
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

  return async (method, path, callInit, userId) => {
    const { context, init } = prepare(method, path, callInit, userId);
    const withMiddleware = middlewares.length > 0 || (Array.isArray(init.middleware) && init.middleware.length > 0);
    // `init` is this call's own copy: openapi-fetch gets it with the fast path's Request class (real
    // Requests when middleware will see them) and the transport as its fetch.
    init.Request = requestClass(withMiddleware);
    init.fetch = (outgoing: OutgoingRequest) => transport(outgoing, context);
    let result: CallResult;
    try {
      result = await request(method, path, init);
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
  };
}
