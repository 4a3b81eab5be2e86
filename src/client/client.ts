/**
 * `createConnectClient(options)`: validates the options and wires the parts (tokens, the auth hook,
 * the transport, the call) into one openapi-fetch client for every Connect operation.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { createAuthorize } from "../auth/authorize.js";
import { createOAuth, revokeAll, type OAuth, type OAuthPath } from "../auth/oauth.js";
import { createRedactor } from "../auth/secrets.js";
import { createTokenCache, type TokenCache } from "../auth/token-cache.js";
import { accessTokenSource, type TokenSource } from "../auth/token-source.js";
import type { AccessToken, AccessTokenOption } from "../auth/types.js";
import { ConnectConfigError } from "../errors.js";
import { newCallState } from "../transport/call-state.js";
import { createPathSerializer, type OutgoingRequest } from "../transport/fast-path.js";
import { callHook, warnHookError, type HookErrorReporter } from "../transport/hooks.js";
import { createTransport, type Transport } from "../transport/transport.js";
import { createCall, type Call } from "./call.js";
import { createOperationLookup } from "./operations.js";
import { resolveOptions, type ClientSettings, type ConnectClientOptions } from "./options.js";
import type { ConnectClient, ConnectUserClient } from "./types.js";

/** A non-empty Connect user ID, or a ConnectConfigError naming `what` needs it. */
function checkUserId(userId: unknown, what: string): string {
  if (typeof userId !== "string" || userId.trim() === "") throw new ConnectConfigError(`${what} needs a non-empty Connect user ID.`);
  return userId;
}

/** The client-credentials side of a client: the OAuth calls and the token cache in front of them. */
interface Credentials {
  readonly oauth: OAuth;
  readonly cache: TokenCache;
}

/** The token cache of a client with credentials, filled through the OAuth calls (`onTokenRefresh` told of each). */
function credentialTokens(settings: ClientSettings, oauth: OAuth, onHookError: HookErrorReporter): TokenCache {
  const { clock } = settings;
  return createTokenCache({
    clock,
    refreshMargin: settings.refreshMargin,
    async fetchToken(request) {
      // `expires_in` counts from when Instacart issued the token, somewhere between sending the request and
      // reading the answer: count from the request, so a slow answer never stretches the token's life.
      const issuedAt = clock.now();
      const data = await oauth.requestToken(request);
      const seconds = data.expires_in;
      const expiresIn = typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
      const { onTokenRefresh } = settings.hooks;
      const { grant, scope, userId } = request;
      if (onTokenRefresh) callHook("onTokenRefresh", onTokenRefresh, { grant, scope, userId, expiresIn }, onHookError);
      return { token: data.access_token, issuedAt, expiresAt: issuedAt + expiresIn * 1000 };
    },
  });
}

/** Creates a typed client for the Connect APIs. Invalid options throw `ConnectConfigError` at once. */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const settings = resolveOptions(options);
  const { baseUrl, credentials } = settings;
  const lookup = createOperationLookup();
  let tokens: TokenSource;
  let auth: Credentials | undefined;
  const redactor = createRedactor(credentials?.clientSecret, () => auth?.cache.tokens() ?? []);
  const { redact } = redactor;
  const onHookError = warnHookError(redact);
  if (credentials === undefined) {
    // The options allow exactly one of the two.
    tokens = accessTokenSource(settings.accessToken as AccessTokenOption, redactor);
  } else {
    /** An OAuth call goes through the transport like any call (timeouts, retries), with no token. */
    const sendOAuth = (request: OutgoingRequest, path: OAuthPath) => {
      const { target, facts } = lookup("POST", path);
      const state = newCallState(target, facts, undefined, {
        timeout: settings.timeout,
        maxRetries: settings.retry.maxRetries,
        safe: true,
        json: true,
      });
      return transport(request, state);
    };
    const oauth = createOAuth(settings, credentials, redactor, sendOAuth);
    auth = { oauth, cache: credentialTokens(settings, oauth, onHookError) };
    tokens = auth.cache;
  }
  const transport: Transport = createTransport(settings, createAuthorize(tokens, settings.scope, redact), onHookError);
  const inner = createClient<paths, "application/json">({ baseUrl, headers: settings.headers, pathSerializer: createPathSerializer() });
  /** Middleware registered through `use` (mirrors openapi-fetch's list). */
  const middlewares: Middleware[] = [];
  const call = createCall({ settings, inner, lookup, transport, middlewares, redact, onHookError });
  return bind({ settings, call, inner, middlewares, auth }, undefined) as ConnectClient;
}

/** What every client made from one `createConnectClient` shares. */
interface Shared {
  readonly settings: ClientSettings;
  readonly call: Call;
  readonly inner: ReturnType<typeof createClient<paths, "application/json">>;
  readonly middlewares: Middleware[];
  readonly auth: Credentials | undefined;
}

/** `createUserToken(userId, scope)`: a fresh user token to hand to a browser (not cached). */
function mintUserToken({ auth }: Shared, userId: string, scope: string): Promise<AccessToken> {
  const what = "createUserToken(userId, scope)";
  checkUserId(userId, what);
  if (typeof scope !== "string") throw new ConnectConfigError(`${what} needs a scope, e.g. "connect:post_checkout".`);
  if (auth === undefined) throw new ConnectConfigError("createUserToken needs clientId and clientSecret.");
  return auth.oauth.requestToken({ grant: "fulfillment_user_assertion", scope, userId });
}

/** The client object for one user (undefined: the back-end client). */
function bind(shared: Shared, userId: string | undefined): ConnectClient | ConnectUserClient {
  const { settings, call, inner, middlewares, auth } = shared;
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
    createUserToken: async (id: string, scope: string) => mintUserToken(shared, id, scope),
    // Expired tokens need no revoking.
    revokeTokens: async () => (auth ? revokeAll(auth.oauth, auth.cache.drain()) : { revoked: 0, failed: [] }),
    server: settings.baseUrl,
    userId,
    [Symbol.for("nodejs.util.inspect.custom")]() {
      const who = settings.credentials ? `client credentials (client id ${settings.credentials.clientId})` : "accessToken";
      return `ConnectClient { server: '${settings.baseUrl}', auth: ${who}${userId !== undefined ? `, user: '${userId}'` : ""} }`;
    },
    toJSON: () => ({ server: settings.baseUrl, userId }),
  };
  return client as unknown as ConnectClient | ConnectUserClient;
}
