/**
 * What a call resolves to: openapi-fetch's `{ data, error, response }`, tagged with the call it
 * answers, and `unwrap`, which turns an error result into a ConnectApiError.
 */
import { redactDeep } from "../auth/secrets.js";
import { ConnectApiError, type CallTarget } from "../errors.js";

/** The call a result answers, and its client's redaction (error text a server echoes back loses the secrets), for `unwrap`. */
const CALL = Symbol("instacart-connect.call");

interface CallTag {
  readonly target: CallTarget;
  readonly redact: (text: string) => string;
}

/** A call's result as openapi-fetch returns it. */
export interface CallResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Attaches (not enumerable) the call's target and its client's redaction to a result, for `unwrap`. */
export function tagResult(result: CallResult, target: CallTarget, redact: (text: string) => string): void {
  Object.defineProperty(result, CALL, { value: { target, redact } satisfies CallTag });
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
  const tag = (settled as { [CALL]?: CallTag })[CALL];
  const target = tag?.target ?? {
    operationId: undefined,
    method: "",
    path: settled.response.url ? new URL(settled.response.url).pathname : "",
  };
  const body = tag ? redactDeep(settled.error, tag.redact) : settled.error;
  throw new ConnectApiError({ status: settled.response.status, body, headers: settled.response.headers, target });
}
