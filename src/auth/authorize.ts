/**
 * The auth hook around one attempt (as Octokit's auth strategies wrap a request): it puts the
 * call's token on the request, sends it, and after a 401 drops that token, asks once for a fresh
 * one and sends again. A second 401 (or a 401 to a fixed token) is a ConnectAuthError.
 */
import type { OperationFacts } from "../../generated/operations.js";
import { untilAborted } from "../clock.js";
import { parseErrorItem } from "../error-body.js";
import { ConnectAuthError, describeTarget } from "../errors.js";
import type { CallState } from "../transport/call-state.js";
import type { RequestParts } from "../transport/fast-path.js";
import type { TokenSource } from "./token-source.js";
import { keyed, type KeyedTokenRequest } from "./types.js";

/** Sends `send()` (one attempt of `parts`) with the call's token, refreshing it once after a 401. */
export type Authorize = (call: CallState, parts: RequestParts, send: () => Promise<Response>) => Promise<Response>;

/** The ConnectAuthError of a refused call, with Instacart's message. */
async function refusal(response: Response, call: CallState, redact: (text: string) => string): Promise<ConnectAuthError> {
  const item = parseErrorItem(await response.json().catch(() => undefined));
  const message = item?.message ? `: ${redact(item.message)}` : "";
  const fresh = call.refreshed ? " with a fresh token" : "";
  return new ConnectAuthError(`${describeTarget(call.target)} was refused with HTTP 401${fresh}${message}`, {
    status: 401,
    code: item?.code,
    target: call.target,
  });
}

/** Sends with the token of `request`; after a 401, once more with a fresh one. */
async function sendWith(
  tokens: TokenSource,
  redact: (text: string) => string,
  request: KeyedTokenRequest,
  call: CallState,
  parts: RequestParts,
  send: () => Promise<Response>,
): Promise<Response> {
  let refresh = false;
  for (;;) {
    // A token at hand is used without a wait; waiting for one ends early if the caller aborts.
    const pending = tokens.get(request, call.target, refresh);
    const token = typeof pending === "string" ? pending : await untilAborted(pending, parts.signal, call.target);
    parts.headers.set("Authorization", `Bearer ${token}`);
    const response = await send();
    if (response.status !== 401) return response;
    tokens.invalidate(request, token);
    if (call.refreshed || tokens.fixed) throw await refusal(response, call, redact);
    call.refreshed = true;
    refresh = true;
  }
}

/** `scope`: replaces the spec's scope for every token. */
export function createAuthorize(tokens: TokenSource, scope: string | undefined, redact: (text: string) => string): Authorize {
  /** The client-credentials token request of each operation, made once. */
  const clientRequests = new Map<OperationFacts | undefined, KeyedTokenRequest>();

  function tokenRequestFor({ operation, userId }: CallState): KeyedTokenRequest | undefined {
    const grant = operation ? operation.grant : "client_credentials";
    if (grant === null) return undefined;
    const tokenScope = scope ?? operation?.scope ?? "";
    // The client sends front-end operations only through `forUser` clients, so `userId` is set here.
    if (grant === "fulfillment_user_assertion") return keyed(grant, tokenScope, userId);
    let request = clientRequests.get(operation);
    if (request === undefined) {
      request = keyed(grant, tokenScope);
      clientRequests.set(operation, request);
    }
    return request;
  }

  return (call, parts, send) => {
    const request = tokenRequestFor(call);
    return request === undefined ? send() : sendWith(tokens, redact, request, call, parts, send);
  };
}
