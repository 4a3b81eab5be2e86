/**
 * What a call resolves to: openapi-fetch's `{ data, error, response }`, tagged with the call it
 * answers, and `unwrap`, which turns an error result into a ConnectApiError.
 */
import { redactDeep } from "../auth/secrets.js";
import { ConnectApiError, type CallTarget } from "../errors.js";

const CALL_TARGET = Symbol("instacart-connect.call");
/** The redaction of the client that made a call, for `unwrap`: error text a server echoes back loses the secrets. */
const REDACT = Symbol("instacart-connect.redact");

/** A call's result as openapi-fetch returns it. */
export interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Attaches (not enumerable) the call's target and its client's redaction to a result, for `unwrap`. */
export function tagResult(result: CallResult, target: CallTarget, redact: (text: string) => string): void {
  Object.defineProperty(result, CALL_TARGET, { value: target });
  Object.defineProperty(result, REDACT, { value: redact });
}

/**
 * Resolves a call's result to its data, or throws `ConnectApiError` for an error status:
 * `const user = await unwrap(connect.POST("/v2/fulfillment/users", { body }))`.
 */
export async function unwrap<Result extends { data?: unknown; error?: unknown; response: Response }>(
  result: Result | Promise<Result>,
): Promise<NonNullable<Result["data"]>> {
  const settled = await result;
  if (settled.response.ok) return settled.data as NonNullable<Result["data"]>;
  const target = (settled as { [CALL_TARGET]?: CallTarget })[CALL_TARGET] ?? {
    operationId: undefined,
    method: "",
    path: settled.response.url ? new URL(settled.response.url).pathname : "",
  };
  const redact = (settled as { [REDACT]?: (text: string) => string })[REDACT];
  const body = redact ? redactDeep(settled.error, redact) : settled.error;
  throw new ConnectApiError({ status: settled.response.status, body, headers: settled.response.headers, target });
}
