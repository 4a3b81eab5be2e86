/**
 * `createConnectClient(options)`: validates the options and wires servers, tokens, the transport and
 * deprecation warnings into one openapi-fetch client for every Connect operation.
 */
import createClient, {
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from "openapi-fetch";
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import {
  FLAG_BODY_REQUIRED,
  FLAG_DEPRECATED,
  FLAG_DEVELOPMENT_ONLY,
  operations,
  servers,
  type UserOnlyPath,
} from "../generated/operations.js";
import type { paths } from "../generated/schema.js";
import { createTokenManager, isSendableToken, type AccessToken, type AccessTokenOption, type TokenRefreshInfo } from "./auth.js";
import { emitDeprecationWarning, warnDeprecatedOperation, type DeprecationHandler } from "./deprecation.js";
import {
  ConnectApiError,
  ConnectConfigError,
  ConnectError,
  ConnectRequestError,
  ConnectResponseError,
  redactDeep,
  describeTarget,
  type CallTarget,
  type ConnectAuthError,
} from "./errors.js";
import { resolveServer, type ServerName } from "./servers.js";
import { CallRequest } from "./buffered.js";
import { createTransport, type CallContext, type TransportHooks } from "./transport.js";
import { VERSION } from "./version.js";

/** Hooks for logging and metrics. They receive no secret: `Authorization` is redacted. */
export interface ConnectHooks extends TransportHooks {
  /** A token was fetched (never the token itself). */
  onTokenRefresh?: ((info: TokenRefreshInfo) => void) | undefined;
}

export interface ConnectClientOptions {
  /** `"development"`, `"production"`, or an https:// URL (http:// only for loopback hosts). Required. */
  server: ServerName | URL | (string & {});
  /** Client ID of your Instacart OAuth application (with `clientSecret`). */
  clientId?: string | undefined;
  /** Client secret of your Instacart OAuth application. Never sent anywhere but the token endpoint. */
  clientSecret?: string | undefined;
  /** Instead of credentials: a token, or a function returning one per call (you then manage tokens). */
  accessToken?: AccessTokenOption | undefined;
  /** Scope for every token, instead of the scope each operation declares in the spec. */
  scope?: string | undefined;
  /** `X-Retailer-Id`, required for multi-banner retailers. */
  retailerId?: string | undefined;
  /** `Accept-Language`: `en-US`, `en-CA` or `fr-CA`. */
  locale?: string | undefined;
  /** Per-attempt timeout in ms. Default 60 000 (creating an order can take seconds). */
  timeout?: number | undefined;
  /** Retries after the first attempt, where retrying is safe. Default 2; 0 turns retries off. */
  maxRetries?: number | undefined;
  /** Backoff base in ms. Default 500. */
  retryDelay?: number | undefined;
  /** Backoff cap in ms. Default 8 000. */
  maxRetryDelay?: number | undefined;
  /** Longest `Retry-After` honoured, in ms (a longer one returns the response). Default 60 000. */
  maxRetryAfter?: number | undefined;
  /** Refresh a cached token this many ms before it expires. Default 60 000. */
  tokenRefreshMargin?: number | undefined;
  /** Called once per deprecated operation (and per `Deprecation`/`Sunset` header). Default: a `DeprecationWarning`. */
  onDeprecation?: DeprecationHandler | undefined;
  hooks?: ConnectHooks | undefined;
  /** The `fetch` to use. Default: the global `fetch`, looked up at call time. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
}

/** Options of one call, next to openapi-fetch's (`params`, `body`, `headers`, `signal`, …). */
export interface CallOptions {
  /** Per-attempt timeout in ms for this call. */
  timeout?: number | undefined;
  /** Retries for this call (0 = none). */
  maxRetries?: number | undefined;
  /**
   * You assert that repeating this call is harmless (for example because a retry of the same
   * `order_id` is rejected as a duplicate). Lets POST retry on timeouts, 5xx and connection resets,
   * which it never does by default.
   */
  idempotent?: boolean | undefined;
}

/** openapi-fetch options a call may not pass: they would bypass the server rules or the path encoding. */
interface ForbiddenCallOptions {
  baseUrl?: never;
  fetch?: never;
  Request?: never;
  pathSerializer?: never;
  redirect?: never;
}

type Media = "application/json";
type InitParam<Init> = RequiredKeysOf<Init> extends never
  ? [(Init & CallOptions & ForbiddenCallOptions)?]
  : [Init & CallOptions & ForbiddenCallOptions];

type Operation<PathItem, Method extends HttpMethod> =
  PathItem[Method & keyof PathItem] extends infer O extends Record<string | number, any> ? O : never;

/**
 * A typed call of one HTTP method over some `Paths`. Generic over the paths, as openapi-fetch's own
 * method type is: tsc then checks a call with a third fewer type instantiations than with `paths`
 * written in (measured by `npm run bench`).
 */
type MethodOf<Paths extends {}, Method extends HttpMethod> = <
  Path extends PathsWithMethod<Paths, Method>,
  Init extends MaybeOptionalInit<Paths[Path], Method & keyof Paths[Path]>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<FetchResponse<Operation<Paths[Path], Method>, Init, Media>>;

/** A typed call of one HTTP method: openapi-fetch's signature plus `CallOptions`. */
export type ConnectMethod<Method extends HttpMethod, Paths extends {} = paths> = MethodOf<Paths, Method>;

/** The paths a client without a user can call: every path but the front-end ones (user access tokens). */
export type BackEndPaths = Omit<paths, UserOnlyPath>;

export interface RevokeResult {
  /** Tokens revoked. */
  revoked: number;
  /** Revocations that failed (the cache is emptied anyway). */
  failed: ConnectAuthError[];
}

/** What both kinds of client have; `Paths` are the operations they can call. */
export interface ConnectClientBase<Paths extends {}> {
  GET: ConnectMethod<"get", Paths>;
  PUT: ConnectMethod<"put", Paths>;
  POST: ConnectMethod<"post", Paths>;
  DELETE: ConnectMethod<"delete", Paths>;
  PATCH: ConnectMethod<"patch", Paths>;
  /** Adds openapi-fetch middleware (shared with every `forUser` client). */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
  /**
   * A client whose front-end calls (Post-checkout, front-end Recommendations and Order feedback) use
   * user access tokens for this Connect user; back-end calls keep client-credentials tokens.
   */
  forUser(userId: string): ConnectUserClient;
  /** Mints a user access token to hand to a browser (not cached). */
  createUserToken(userId: string, scope: string): Promise<AccessToken>;
  /** Revokes every cached token (`POST /v2/oauth/token/revoke`) and empties the cache. */
  revokeTokens(): Promise<RevokeResult>;
  /** The origin (and path prefix) calls go to. */
  readonly server: string;
  /** The Connect user of a `forUser` client. */
  readonly userId: string | undefined;
}

/**
 * A typed client for the back-end Connect operations (client-credentials tokens). The front-end
 * operations (Post-checkout, front-end Recommendations and Order feedback) are called through
 * `forUser(userId)`.
 */
export interface ConnectClient extends ConnectClientBase<BackEndPaths> {
  readonly userId: undefined;
}

/** A client bound to one Connect user (`connect.forUser(userId)`): every operation, front-end ones with user tokens. */
export interface ConnectUserClient extends ConnectClientBase<paths> {
  readonly userId: string;
}

const OPTION_KEYS = new Set<string>([
  "server", "clientId", "clientSecret", "accessToken", "scope", "retailerId", "locale", "timeout", "maxRetries",
  "retryDelay", "maxRetryDelay", "maxRetryAfter", "tokenRefreshMargin", "onDeprecation", "hooks", "fetch",
]);
const HOOK_KEYS = new Set(["onRequest", "onResponse", "onRetry", "onTokenRefresh"]);
const CALL_TARGET = Symbol("instacart-connect.call");
/** The redaction of the client that made a call, for `unwrap`: error text a server echoes back loses the secrets. */
const REDACT = Symbol("instacart-connect.redact");
/**
 * What a call may pass: openapi-fetch's request options, `RequestInit` members that make sense, and
 * `CallOptions`. Not `baseUrl`, `fetch`, `Request` or `pathSerializer` (they would bypass the server
 * rules and the path encoding), nor `redirect`; and a misspelled option fails instead of being ignored.
 */
const CALL_KEYS = new Set([
  "params", "body", "headers", "signal", "parseAs", "querySerializer", "bodySerializer", "middleware",
  "cache", "credentials", "integrity", "keepalive", "mode", "priority", "referrer", "referrerPolicy",
]);

const MAX_TIMEOUT = 2_147_483_647;
const MAX_RETRIES = 10;
const PATH_PARAM = /\{([^{}]+)\}/g;

function checkNumber(name: string, value: unknown, min: number, max: number, Err: typeof ConnectError = ConnectConfigError): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new Err(`\`${name}\` must be a number from ${min} to ${max}, got ${typeof value === "number" ? value : typeof value}.`);
  }
  return value;
}

function checkInteger(name: string, value: unknown, min: number, max: number, Err: typeof ConnectError = ConnectConfigError): number | undefined {
  const n = checkNumber(name, value, min, max, Err);
  if (n !== undefined && !Number.isInteger(n)) throw new Err(`\`${name}\` must be a whole number, got ${n}.`);
  return n;
}

function checkString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw new ConnectConfigError(`\`${name}\` must be a non-empty string.`);
  return value;
}

function checkFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw new ConnectConfigError(`\`${name}\` must be a function.`);
  return value as T;
}

/** Percent-encodes every path parameter as one segment (`/`, `?`, `#`, `%`, spaces, non-ASCII). */
function serializePath(pathname: string, params: Record<string, unknown>): string {
  return pathname.replace(PATH_PARAM, (_match, name: string) => encodeURIComponent(String(params[name])));
}

/** The names of the path parameters of a path template. */
function pathParamNames(path: string): readonly string[] {
  return [...path.matchAll(PATH_PARAM)].map((match) => match[1] as string);
}

/** Checks the path parameters of a call (`names`: those of its path) before anything is sent. */
function checkPathParams(target: CallTarget, names: readonly string[], params: unknown): void {
  if (names.length === 0) return;
  const values = (params as { path?: Record<string, unknown> } | undefined)?.path ?? {};
  for (const name of names) {
    const value = values[name];
    if (typeof value === "string" && value !== "" && value !== "." && value !== "..") continue;
    const where = `${target.operationId ?? `${target.method} ${target.path}`}: path parameter \`${name}\``;
    if (value === undefined || value === null) throw new ConnectRequestError(`${where} is missing.`);
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
      throw new ConnectRequestError(`${where} must be a string or a number, got ${typeof value}.`);
    }
    const text = String(value);
    if (text === "") throw new ConnectRequestError(`${where} must not be empty.`);
    // URLs resolve "." and ".." segments (even percent-encoded ones): such an ID would change the path.
    if (text === "." || text === "..") throw new ConnectRequestError(`${where} cannot be "${text}": it would change the path.`);
  }
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

/** Creates a typed client for the Connect APIs. Invalid options throw `ConnectConfigError` at once. */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  if (typeof options !== "object" || options === null) throw new ConnectConfigError("createConnectClient needs an options object.");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConnectConfigError(`unknown option \`${key}\` (known: ${[...OPTION_KEYS].join(", ")}).`);
  }
  const baseUrl = resolveServer(options.server);
  const clientId = checkString("clientId", options.clientId);
  const clientSecret = checkString("clientSecret", options.clientSecret);
  const { accessToken } = options;
  if (accessToken !== undefined && typeof accessToken !== "function" && (typeof accessToken !== "string" || accessToken.trim() === "")) {
    throw new ConnectConfigError("`accessToken` must be a non-empty string or a function returning one.");
  }
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new ConnectConfigError("`clientId` and `clientSecret` go together: pass both, or pass `accessToken`.");
  }
  if (clientId === undefined && accessToken === undefined) {
    throw new ConnectConfigError("credentials are required: pass `clientId` and `clientSecret`, or `accessToken`.");
  }
  if (clientId !== undefined && accessToken !== undefined) {
    throw new ConnectConfigError("pass either `clientId`/`clientSecret` or `accessToken`, not both.");
  }
  if (options.scope !== undefined && typeof options.scope !== "string") throw new ConnectConfigError("`scope` must be a string.");
  const scope = options.scope;
  if (typeof accessToken === "string" && !isSendableToken(accessToken)) {
    throw new ConnectConfigError("`accessToken` holds characters an Authorization header cannot carry.");
  }
  const retailerId = checkString("retailerId", options.retailerId);
  const locale = checkString("locale", options.locale);
  const timeout = checkInteger("timeout", options.timeout, 1, MAX_TIMEOUT) ?? 60_000;
  const maxRetries = checkInteger("maxRetries", options.maxRetries, 0, MAX_RETRIES) ?? 2;
  const baseDelay = checkNumber("retryDelay", options.retryDelay, 0, 60_000) ?? 500;
  const maxDelay = checkNumber("maxRetryDelay", options.maxRetryDelay, 0, 300_000) ?? 8_000;
  const maxRetryAfter = checkNumber("maxRetryAfter", options.maxRetryAfter, 0, 3_600_000) ?? 60_000;
  const refreshMargin = checkNumber("tokenRefreshMargin", options.tokenRefreshMargin, 0, 3_600_000) ?? 60_000;
  const onDeprecation = checkFunction<DeprecationHandler>("onDeprecation", options.onDeprecation) ?? emitDeprecationWarning;
  const fetchOption = checkFunction<(request: Request) => Promise<Response>>("fetch", options.fetch);
  const hooks = options.hooks ?? {};
  if (typeof hooks !== "object" || hooks === null) throw new ConnectConfigError("`hooks` must be an object.");
  for (const [key, value] of Object.entries(hooks)) {
    if (!HOOK_KEYS.has(key)) throw new ConnectConfigError(`unknown hook \`${key}\` (known: ${[...HOOK_KEYS].join(", ")}).`);
    checkFunction(`hooks.${key}`, value);
  }

  const headers: Record<string, string> = { Accept: "application/json" };
  if (typeof process !== "undefined" && process.versions?.node) {
    headers["User-Agent"] = `instacart-connect/${VERSION} node/${process.version}`;
  }
  if (retailerId !== undefined) headers["X-Retailer-Id"] = retailerId;
  if (locale !== undefined) headers["Accept-Language"] = locale;

  /** A hook or `onDeprecation` threw: say so without breaking the call (and without a secret). */
  const onHookError = (hook: string, error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error);
    process.emitWarning(`instacart-connect: the ${hook} hook threw: ${tokens.redact(message)}`, { code: "INSTACART_CONNECT_HOOK_ERROR" });
  };
  const production = baseUrl === servers.production;
  /** The context of one call of `method path` (the OAuth calls are safe to repeat: they create nothing). */
  const contextFor = (method: string, path: string, userId: string | undefined, timeoutMs = timeout, retries = maxRetries, idempotent = false): CallContext => {
    const row = operations[`${method} ${path}`];
    return { target: { operationId: row?.[0], method, path }, row, userId, timeout: timeoutMs, maxRetries: retries, idempotent };
  };
  const tokens = createTokenManager({
    baseUrl,
    clientId,
    clientSecret,
    accessToken,
    refreshMargin,
    headers,
    onTokenRefresh: hooks.onTokenRefresh,
    onHookError,
    send: (request, path) => transport(request, contextFor("POST", path, undefined, timeout, maxRetries, true)),
  });
  const transport = createTransport({
    baseUrl,
    fetch: fetchOption,
    tokens,
    scope,
    retry: { maxRetries, baseDelay, maxDelay, maxRetryAfter },
    hooks,
    onDeprecation,
    staticToken: typeof accessToken === "string",
    onHookError,
  });
  const inner = createClient<paths, Media>({ baseUrl, headers, pathSerializer: serializePath });
  /** The path parameter names of each spec path called so far (bounded by the spec). */
  const paramNames = new Map<string, readonly string[]>();
  const namesOf = (path: string, known: boolean): readonly string[] => {
    let names = paramNames.get(path);
    if (names === undefined) {
      names = pathParamNames(path);
      if (known) paramNames.set(path, names);
    }
    return names;
  };
  /** Middleware registered through `use` (mirrors openapi-fetch's list). */
  const middlewares: Middleware[] = [];

  function bind(userId: string | undefined): ConnectClient {
    const call = (method: string) =>
      async (path: string, init?: Record<string, unknown>): Promise<unknown> => {
        const { timeout: callTimeout, maxRetries: callRetries, idempotent, ...rest } = init ?? {};
        const context = contextFor(
          method,
          path,
          userId,
          checkInteger("timeout", callTimeout, 1, MAX_TIMEOUT, ConnectRequestError) ?? timeout,
          checkInteger("maxRetries", callRetries, 0, MAX_RETRIES, ConnectRequestError) ?? maxRetries,
          idempotent === true,
        );
        const { target, row } = context;
        for (const key in rest) {
          if (!CALL_KEYS.has(key)) {
            throw new ConnectRequestError(`${describeTarget(target)}: unknown call option \`${key}\` (known: ${[...CALL_KEYS].join(", ")}).`);
          }
        }
        checkPathParams(target, namesOf(path, row !== undefined), rest.params);
        if (row && row[3] & FLAG_DEVELOPMENT_ONLY && production) {
          throw new ConnectRequestError(`${describeTarget(target)} exists only on development servers (Sandbox); this client talks to production.`);
        }
        if (row?.[2] === "user" && userId === undefined) {
          throw new ConnectRequestError(`${describeTarget(target)} is a front-end operation that needs a user access token: call it through connect.forUser(userId).`);
        }
        if (row && row[3] & FLAG_DEPRECATED) {
          try {
            warnDeprecatedOperation(onDeprecation, target, row[4]);
          } catch (error) {
            onHookError("onDeprecation", error);
          }
        }
        let result: { data?: unknown; error?: unknown; response: Response };
        try {
          result = await (inner.request as (m: string, p: string, i: unknown) => Promise<typeof result>)(method, path, {
            ...rest,
            // Middleware (registered, or given to this call) see real Requests.
            Request: middlewares.length === 0 && !(Array.isArray(rest.middleware) && rest.middleware.length > 0) ? CallRequest : Request,
            fetch: (request: Request | CallRequest) => transport(request, context),
          });
        } catch (error) {
          if (error instanceof ConnectError) throw error;
          if (error instanceof SyntaxError && context.status !== undefined) {
            throw new ConnectResponseError(target, context.status, "a body that is not valid JSON", { cause: error });
          }
          throw error;
        }
        const { response } = result;
        if (!response.ok && (result.error === undefined || result.error === "")) {
          // An error status with an empty body is still an error: give `error` Instacart's envelope shape.
          result = { error: { error: { message: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""} with an empty body` } }, response };
        }
        if (response.ok && result.data === undefined && row && row[3] & FLAG_BODY_REQUIRED && (rest.parseAs ?? "json") === "json") {
          throw new ConnectResponseError(target, response.status, "an empty body, where the spec documents one");
        }
        Object.defineProperty(result, CALL_TARGET, { value: target });
        Object.defineProperty(result, REDACT, { value: tokens.redact });
        return result;
      };

    const client = {
      GET: call("GET"),
      PUT: call("PUT"),
      POST: call("POST"),
      DELETE: call("DELETE"),
      PATCH: call("PATCH"),
      use(...middleware: Middleware[]) {
        inner.use(...middleware);
        for (const m of middleware) if (m) middlewares.push(m);
      },
      eject(...middleware: Middleware[]) {
        inner.eject(...middleware);
        for (const m of middleware) {
          const i = middlewares.indexOf(m);
          if (i !== -1) middlewares.splice(i, 1);
        }
      },
      forUser(id: string): ConnectUserClient {
        if (typeof id !== "string" || id.trim() === "") throw new ConnectConfigError("forUser(userId) needs a non-empty Connect user ID.");
        return bind(id) as unknown as ConnectUserClient;
      },
      async createUserToken(id: string, tokenScope: string): Promise<AccessToken> {
        if (typeof id !== "string" || id.trim() === "") throw new ConnectConfigError("createUserToken(userId, scope) needs a non-empty Connect user ID.");
        if (typeof tokenScope !== "string") throw new ConnectConfigError("createUserToken(userId, scope) needs a scope, e.g. \"connect:post_checkout\".");
        if (clientId === undefined) throw new ConnectConfigError("createUserToken needs clientId and clientSecret.");
        return tokens.mint({ grant: "fulfillment_user_assertion", scope: tokenScope, userId: id });
      },
      revokeTokens: () => tokens.revokeAll(),
      server: baseUrl,
      userId,
      [Symbol.for("nodejs.util.inspect.custom")]() {
        const auth = clientId !== undefined ? `client credentials (client id ${clientId})` : "accessToken";
        return `ConnectClient { server: '${baseUrl}', auth: ${auth}${userId !== undefined ? `, user: '${userId}'` : ""} }`;
      },
      toJSON() {
        return { server: baseUrl, userId };
      },
    };
    return client as unknown as ConnectClient;
  }

  return bind(undefined);
}
