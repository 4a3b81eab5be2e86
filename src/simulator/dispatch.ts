/**
 * The one request path, for the HTTP server and the in-process `fetch` alike:
 * route (by the spec) → faults → body → OAuth endpoints | authenticate → validate the request → the
 * operation's handler → validate the response → record. Authentication comes before validation, as
 * on most servers: a request without a valid token learns nothing about its body.
 */
import { readBody } from "../events/read-body.js";
import { isoSeconds } from "./clock.js";
import { apiError, oauthError, SimulatedError, validationError, fieldErrors } from "./errors.js";
import type { FaultDecision } from "./faults.js";
import type { Handler, HandlerContext, World } from "./handlers/context.js";
import type { TokenRecord } from "./auth.js";
import { redactBody, redactPath, type ContractViolation, type Log, type RecordedRequest } from "./record.js";
import type { OperationInfo } from "./validate.js";

/** What the transport does: send a response, drop the connection, or never answer. */
export type Outcome = { kind: "response"; response: Response } | { kind: "reset" } | { kind: "hang" };

export interface DispatchOptions {
  world: World;
  handlerFor(operation: OperationInfo): Handler;
  decideFaults(operationId: string): FaultDecision;
  requests: Log<RecordedRequest>;
  violations: Log<ContractViolation>;
  validateResponses: boolean;
  maxBodyBytes: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function faultAnswer(decision: FaultDecision): Answer | undefined {
  const { answer } = decision;
  if (answer?.kind === "rate_limit") {
    return { status: 429, body: { error: { message: "Too many requests" } }, headers: { "retry-after": String(answer.retryAfter) } };
  }
  if (answer?.kind === "server_error") {
    const body =
      answer.status === 503
        ? { error: { message: "Service unavailable" } }
        : {
            error: { message: "Sorry, an unexpected error occurred. Our team has been notified. Please try again later.", code: 5000 },
            meta: {},
          };
    return { status: answer.status, body, headers: {} };
  }
  return undefined;
}

/** Parses the body; `{}` when there is none (a missing body is checked like an empty object). */
function parseBody(text: string, operation: OperationInfo): unknown {
  if (text.trim() === "") return operation.takesBody ? {} : undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (operation.scopes === undefined) throw oauthError(400, "invalid_request", "The body is not valid JSON.");
    throw apiError(400, "The body is not valid JSON", 1001);
  }
}

/** Reads, authenticates and validates the request, then runs the operation's handler. */
async function answer(
  options: DispatchOptions,
  request: Request,
  url: URL,
  operation: OperationInfo,
  record: { body: unknown },
): Promise<Answer> {
  const { world } = options;
  const bytes = await readBody(request, options.maxBodyBytes);
  if (bytes === undefined) throw apiError(413, `The body is larger than ${options.maxBodyBytes} bytes`);
  const body = parseBody(new TextDecoder().decode(bytes), operation);
  record.body = redactBody(body);
  const query = Object.fromEntries(url.searchParams);
  const oauthEndpoint = operation.scopes === undefined;
  if (oauthEndpoint && (url.searchParams.has("client_id") || url.searchParams.has("client_secret"))) {
    throw oauthError(403, "query_params_forbidden", "Credentials were sent as query parameters; rotate them.");
  }
  const token: TokenRecord | undefined = world.oauth.authenticate(request.headers.get("authorization"), operation);
  const headers = Object.fromEntries([...request.headers].map(([name, value]) => [name.toLowerCase(), value]));
  const { issues, params } = world.contract.validateRequest(operation.operationId, {
    method: request.method,
    path: url.pathname,
    headers,
    query,
    body,
  });
  if (issues.length > 0) {
    if (!oauthEndpoint) throw validationError(issues);
    const fields = fieldErrors(issues).map((item) => `${item.meta?.key ?? "body"} ${item.error.message}`);
    throw oauthError(400, "invalid_request", fields.join("; "));
  }
  const context: HandlerContext = { operation, params, query, headers, body, token, world };
  const result = await options.handlerFor(operation)(context);
  return { status: 200, body: result ?? {}, headers: {} };
}

/** Checks the answer against the spec; a mismatch is a simulator bug, answered loudly as a 500. */
function checked(options: DispatchOptions, operation: OperationInfo, result: Answer, at: string): Answer {
  if (!options.validateResponses) return result;
  const problems = options.world.contract.validateResponse(operation.operationId, result.status, result.body);
  if (problems.length === 0) return result;
  options.violations.push({ at, where: `${operation.operationId} ${result.status}`, problems });
  const message = `The simulator's answer does not match the spec (a simulator bug): ${problems.join("; ")}`;
  return { status: 500, body: { error: { message, code: 5000 }, meta: {} }, headers: {} };
}

/** The answer of a thrown error: the one a handler meant, or a loud 500 for a crash (a simulator bug). */
function failure(options: DispatchOptions, operation: OperationInfo, error: unknown, at: string): Answer {
  if (error instanceof SimulatedError) return { status: error.status, body: error.body, headers: error.headers };
  const message = error instanceof Error ? error.message : String(error);
  options.violations.push({ at, where: `${operation.operationId} crashed`, problems: [message] });
  return { status: 500, body: { error: { message: `The simulator failed: ${message}`, code: 5000 }, meta: {} }, headers: {} };
}

export function createDispatcher(options: DispatchOptions): (request: Request, signal?: AbortSignal) => Promise<Outcome> {
  const { world, requests } = options;
  return async function dispatch(request, signal) {
    const url = new URL(request.url);
    const at = isoSeconds(world.clock.now());
    const operation = world.contract.match(request.method, url.pathname);
    const record = { at, method: request.method, path: redactPath(url), operationId: operation?.operationId, body: undefined as unknown };
    const finish = (result: Answer | undefined, fault: string | undefined): Outcome => {
      requests.push({ ...record, status: result?.status, response: redactBody(result?.body), fault });
      if (result === undefined) return { kind: fault === "hang" ? "hang" : "reset" };
      const headers = { ...JSON_HEADERS, ...result.headers };
      return { kind: "response", response: new Response(JSON.stringify(result.body), { status: result.status, headers }) };
    };
    if (operation === undefined)
      return finish({ status: 404, body: { error: { message: "Resource not found", code: 4000 } }, headers: {} }, undefined);
    const decision = options.decideFaults(operation.operationId);
    const fault = decision.applied.length > 0 ? decision.applied.join("+") : undefined;
    if (decision.delayMs > 0) await delay(decision.delayMs, signal);
    if (decision.answer?.kind === "reset" || decision.answer?.kind === "hang") return finish(undefined, decision.answer.kind);
    const injected = faultAnswer(decision);
    if (injected) return finish(checked(options, operation, injected, at), fault);
    const result = await answer(options, request, url, operation, record).catch((error: unknown) => failure(options, operation, error, at));
    return finish(checked(options, operation, result, at), fault);
  };
}
