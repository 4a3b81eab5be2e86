/**
 * The auth hook around one attempt (as Octokit's auth strategies wrap a request): it puts the
 * call's token on the request, sends it, and after a 401 drops that token, asks once for a fresh
 * one and sends again. A second 401 (or a 401 to a fixed token) is a ConnectAuthError.
 */
import type { OperationFacts } from "../../generated/operations.js";
import { parseErrorBody } from "../error-body.js";
import { ConnectAbortError, ConnectAuthError, describeTarget, type CallTarget } from "../errors.js";
import type { TokenSource } from "./token-source.js";
import { keyed, type KeyedTokenRequest } from "./types.js";

/** One call, as the auth hook sees it. */
export interface AuthorizedCall {
  readonly target: CallTarget;
  /** What the spec says of the operation (undefined for a path it does not know: a client-credentials token). */
  readonly operation: OperationFacts | undefined;
  /** The Connect user of a `forUser` client. */
  readonly userId: string | undefined;
  readonly signal: AbortSignal | undefined;
  /** The headers of the attempts (the hook sets `Authorization`). */
  readonly headers: Headers;
  /** Whether a 401 was already answered with a fresh token (once per call). */
  refreshed: boolean;
}

/** Sends `send()` (one attempt) with the call's token, refreshing it once after a 401. */
export type Authorize = (call: AuthorizedCall, send: () => Promise<Response>) => Promise<Response>;

export interface AuthorizeOptions {
  tokens: TokenSource;
  /** Replaces the spec's scope for every token. */
  scope: string | undefined;
  redact(text: string): string;
}

/**
 * Waits for a token being fetched (possibly shared with other calls) unless the caller's signal
 * aborts first: the call then ends at once, and the token request goes on for the others.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, target: CallTarget): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new ConnectAbortError(target, signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ConnectAbortError(target, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The ConnectAuthError of a refused call, with Instacart's message. */
async function refusal(response: Response, call: AuthorizedCall, redact: (text: string) => string): Promise<ConnectAuthError> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    body = undefined;
  }
  const parsed = parseErrorBody(body);
  const message = parsed?.item.message ? `: ${redact(parsed.item.message)}` : "";
  return new ConnectAuthError(
    `${describeTarget(call.target)} was refused with HTTP 401${call.refreshed ? " with a fresh token" : ""}${message}`,
    {
      status: 401,
      code: parsed?.item.code,
      target: call.target,
    },
  );
}

export function createAuthorize(options: AuthorizeOptions): Authorize {
  const { tokens, scope, redact } = options;
  /** The client-credentials token request of each operation, made once. */
  const clientRequests = new Map<OperationFacts | undefined, KeyedTokenRequest>();

  function tokenRequestFor(operation: OperationFacts | undefined, userId: string | undefined): KeyedTokenRequest | undefined {
    const grant = operation ? operation.grant : "client_credentials";
    if (grant === null) return undefined;
    // The client sends front-end operations only through `forUser` clients, so `userId` is set here.
    if (grant === "fulfillment_user_assertion") return keyed(grant, scope ?? operation?.scope ?? "", userId);
    let request = clientRequests.get(operation);
    if (request === undefined) {
      request = keyed(grant, scope ?? operation?.scope ?? "");
      clientRequests.set(operation, request);
    }
    return request;
  }

  /** The token at hand (no waiting), or the promise of one that ends early if the caller aborts. */
  function tokenFor(request: KeyedTokenRequest, call: AuthorizedCall, refresh: boolean): string | Promise<string> {
    const pending = tokens.get(request, call.target, refresh);
    const { signal } = call;
    if (typeof pending === "string" && !signal?.aborted) return pending;
    return (async () => {
      const token = typeof pending === "string" ? pending : await (signal ? untilAborted(pending, signal, call.target) : pending);
      if (signal?.aborted) throw new ConnectAbortError(call.target, signal.reason);
      return token;
    })();
  }

  /** Sends with `token`; after a 401, once, with a fresh one. */
  async function sendWith(
    first: string,
    request: KeyedTokenRequest,
    call: AuthorizedCall,
    send: () => Promise<Response>,
  ): Promise<Response> {
    let token = first;
    for (;;) {
      call.headers.set("Authorization", `Bearer ${token}`);
      const response = await send();
      if (response.status !== 401) return response;
      tokens.invalidate(request, token);
      if (call.refreshed || tokens.fixed) throw await refusal(response, call, redact);
      call.refreshed = true;
      const fresh = tokenFor(request, call, true);
      token = typeof fresh === "string" ? fresh : await fresh;
    }
  }

  return function authorize(call, send) {
    const request = tokenRequestFor(call.operation, call.userId);
    if (request === undefined) return send();
    const token = tokenFor(request, call, false);
    return typeof token === "string" ? sendWith(token, request, call, send) : token.then((value) => sendWith(value, request, call, send));
  };
}
