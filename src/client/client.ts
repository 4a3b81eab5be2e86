/**
 * `createConnectClient(options)`: validates the options and wires the parts (tokens, the auth hook,
 * the transport, the call) into one openapi-fetch client for every Connect operation.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { createAuthorize } from "../auth/authorize.js";
import { createOAuth, type OAuthPath } from "../auth/oauth.js";
import { createRedactor, type Redactor } from "../auth/secrets.js";
import { createTokenCache, type TokenCache } from "../auth/token-cache.js";
import { accessTokenSource, credentialsTokenSource, type TokenSource } from "../auth/token-source.js";
import type { AccessToken, AccessTokenOption } from "../auth/types.js";
import { ConnectConfigError } from "../errors.js";
import { fetchOf } from "../transport/attempt.js";
import { createPathSerializer, type OutgoingRequest } from "../transport/fast-path.js";
import { callHook, warnHookError, type HookErrorReporter } from "../transport/hooks.js";
import { createTransport, type CallContext } from "../transport/transport.js";
import { createCall, type Call } from "./call.js";
import { createOperationLookup } from "./operations.js";
import { resolveOptions, type ClientSettings, type ConnectClientOptions } from "./options.js";
import type { ConnectClient, ConnectUserClient } from "./types.js";

/** A non-empty Connect user ID, or a ConnectConfigError naming `what` needs it. */
function checkUserId(userId: unknown, what: string): string {
  if (typeof userId !== "string" || userId.trim() === "") throw new ConnectConfigError(`${what} needs a non-empty Connect user ID.`);
  return userId;
}

/** Where tokens come from: client credentials (cached, through the OAuth calls) or the `accessToken` option. */
function createTokens(
  settings: ClientSettings,
  redactor: Redactor,
  send: (request: OutgoingRequest, path: OAuthPath) => Promise<Response>,
  onHookError: HookErrorReporter,
): { tokens: TokenSource; cache: TokenCache | undefined } {
  const { credentials, accessToken } = settings;
  // The options allow exactly one of the two.
  if (credentials === undefined) return { tokens: accessTokenSource(accessToken as AccessTokenOption, redactor), cache: undefined };
  const oauth = createOAuth({ baseUrl: settings.baseUrl, headers: settings.headers, ...credentials, send, redactor });
  const cache = createTokenCache({
    clock: settings.clock,
    refreshMargin: settings.refreshMargin,
    fetchToken: (request) => oauth.requestToken(request),
    onFetched({ grant, scope, userId }, expiresIn) {
      const { onTokenRefresh } = settings.hooks;
      if (onTokenRefresh) callHook("onTokenRefresh", onTokenRefresh, { grant, scope, userId, expiresIn }, onHookError);
    },
  });
  return { tokens: credentialsTokenSource(cache, oauth), cache };
}

/** Creates a typed client for the Connect APIs. Invalid options throw `ConnectConfigError` at once. */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const settings = resolveOptions(options);
  const { baseUrl } = settings;
  const lookup = createOperationLookup();
  let cache: TokenCache | undefined;
  const redactor = createRedactor(settings.credentials?.clientSecret, () => cache?.tokens() ?? []);
  const { redact } = redactor;
  const onHookError = warnHookError(redact);
  /** The context of an OAuth call (safe to repeat: it creates nothing). */
  const oauthContext = (path: OAuthPath): CallContext => {
    const { target, facts } = lookup("POST", path);
    const { timeout, retry } = settings;
    return { target, operation: facts, userId: undefined, timeout, maxRetries: retry.maxRetries, idempotent: true, json: true };
  };
  const made = createTokens(settings, redactor, (request, path) => transport(request, oauthContext(path)), onHookError);
  const { tokens } = made;
  cache = made.cache;
  const transport = createTransport({
    baseUrl,
    fetch: fetchOf(settings.fetch),
    authorize: createAuthorize({ tokens, scope: settings.scope, redact }),
    retry: settings.retry,
    clock: settings.clock,
    hooks: settings.hooks,
    onDeprecation: settings.onDeprecation,
    onHookError,
  });
  const inner = createClient<paths, "application/json">({ baseUrl, headers: settings.headers, pathSerializer: createPathSerializer() });
  /** Middleware registered through `use` (mirrors openapi-fetch's list). */
  const middlewares: Middleware[] = [];
  const call = createCall({ settings, inner, lookup, transport, middlewares, redact, onHookError });
  const mintUserToken = async (userId: string, scope: string): Promise<AccessToken> => {
    checkUserId(userId, "createUserToken(userId, scope)");
    if (typeof scope !== "string")
      throw new ConnectConfigError('createUserToken(userId, scope) needs a scope, e.g. "connect:post_checkout".');
    if (settings.credentials === undefined) throw new ConnectConfigError("createUserToken needs clientId and clientSecret.");
    return tokens.mint({ grant: "fulfillment_user_assertion", scope, userId });
  };
  const shared: Shared = { settings, call, inner, middlewares, mintUserToken, revokeTokens: () => tokens.revokeAll() };
  return bind(shared, undefined) as ConnectClient;
}

/** What every client made from one `createConnectClient` shares. */
interface Shared {
  readonly settings: ClientSettings;
  readonly call: Call;
  readonly inner: ReturnType<typeof createClient<paths, "application/json">>;
  readonly middlewares: Middleware[];
  mintUserToken(userId: string, scope: string): Promise<AccessToken>;
  revokeTokens: ConnectClient["revokeTokens"];
}

/** The client object for one user (undefined: the back-end client). */
function bind(shared: Shared, userId: string | undefined): ConnectClient | ConnectUserClient {
  const { settings, call, inner, middlewares } = shared;
  const method = (name: string) => (path: string, init?: Record<string, unknown>) => call(name, path, init, userId);
  const client = {
    GET: method("GET"),
    PUT: method("PUT"),
    POST: method("POST"),
    DELETE: method("DELETE"),
    PATCH: method("PATCH"),
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
    forUser: (id: string) => bind(shared, checkUserId(id, "forUser(userId)")) as ConnectUserClient,
    createUserToken: shared.mintUserToken,
    revokeTokens: shared.revokeTokens,
    server: settings.baseUrl,
    userId,
    [Symbol.for("nodejs.util.inspect.custom")]() {
      const auth = settings.credentials ? `client credentials (client id ${settings.credentials.clientId})` : "accessToken";
      return `ConnectClient { server: '${settings.baseUrl}', auth: ${auth}${userId !== undefined ? `, user: '${userId}'` : ""} }`;
    },
    toJSON: () => ({ server: settings.baseUrl, userId }),
  };
  return client as unknown as ConnectClient | ConnectUserClient;
}
