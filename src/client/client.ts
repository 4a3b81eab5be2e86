/**
 * `createConnectClient(options)`: validates the options and wires the parts (tokens, the auth hook,
 * the transport, the call) into one openapi-fetch client for every Connect operation.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { createAuthorize } from "../auth/authorize.js";
import { createOAuth, revokeAll, type OAuth, type OAuthPath } from "../auth/oauth.js";
import { createRedactor, type Redactor } from "../auth/secrets.js";
import { sharedTokens } from "../auth/shared-token-cache.js";
import { createTokenCache, type IssuedToken, type TokenCache } from "../auth/token-cache.js";
import { accessTokenSource } from "../auth/token-source.js";
import type { AccessToken, AccessTokenOption, KeyedTokenRequest } from "../auth/types.js";
import { ConnectConfigError } from "../errors.js";
import { newCallState } from "../transport/call-state.js";
import type { OutgoingRequest } from "../transport/fast-path.js";
import { callHook, warnHookError, type HookErrorReporter } from "../transport/hooks.js";
import { send } from "../transport/transport.js";
import { call, type CallDeps } from "./call.js";
import { createOperationLookup } from "./operations.js";
import { resolveOptions, type ClientSettings, type ConnectClientOptions } from "./options.js";
import type { ConnectClient, ConnectUserClient } from "./types.js";

/** The client-credentials side of a client: the OAuth calls and the token cache in front of them. */
interface Credentials {
  readonly oauth: OAuth;
  readonly cache: TokenCache;
}

/** One client's settings and parts, shared by the clients `forUser` makes. */
interface ClientCore extends CallDeps {
  /** Set by the first `use`: calls then build real Requests for the middleware (never unset: an eject cannot tell whether it was the last). */
  usesMiddleware: boolean;
  readonly auth: Credentials | undefined;
}

/** A non-empty Connect user ID, or a ConnectConfigError naming `what` needs it. */
function checkUserId(userId: unknown, what: string): string {
  if (typeof userId !== "string" || userId.trim() === "") throw new ConnectConfigError(`${what} needs a non-empty Connect user ID.`);
  return userId;
}

/** Tokens from the token endpoint, timed from their request (`onTokenRefresh` told of each). */
function endpointTokens(settings: ClientSettings, oauth: OAuth, onHookError: HookErrorReporter) {
  const { clock } = settings;
  return async (request: KeyedTokenRequest): Promise<IssuedToken> => {
    // `expires_in` counts from when Instacart issued the token, somewhere between sending the request and
    // reading the answer: count from the request, so a slow answer never stretches the token's life.
    const issuedAt = clock.now();
    const data = await oauth.requestToken(request);
    const seconds = data.expires_in;
    const expiresIn = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
    const { onTokenRefresh } = settings.hooks;
    const { grant, scope, userId } = request;
    if (onTokenRefresh) callHook("onTokenRefresh", onTokenRefresh, { grant, scope, userId, expiresIn }, onHookError);
    return { token: data.access_token, issuedAt, expiresAt: issuedAt + expiresIn * 1000 };
  };
}

/** The OAuth calls and the token cache of a client with credentials: in memory, in front of the shared `tokenCache` if there is one. */
function credentialTokens(
  settings: ClientSettings,
  credentials: { clientId: string; clientSecret: string },
  redactor: Redactor,
  sendOAuth: (request: OutgoingRequest, path: OAuthPath) => Promise<Response>,
  onHookError: HookErrorReporter,
): Credentials {
  const { clock, refreshMargin, tokenCache } = settings;
  const oauth = createOAuth(settings, credentials, redactor, sendOAuth);
  const fetchToken = endpointTokens(settings, oauth, onHookError);
  const shared =
    tokenCache &&
    sharedTokens({
      cache: tokenCache,
      owner: [settings.baseUrl, credentials.clientId],
      clock,
      refreshMargin,
      fetchToken,
      remember: redactor.remember,
      onError: (error) => onHookError("tokenCache", error),
    });
  const cache = createTokenCache({ clock, refreshMargin, fetchToken: shared ? shared.fetchToken : fetchToken, forget: shared?.forget });
  return { oauth, cache };
}

/** Creates a typed client for the Connect APIs. Invalid options throw `ConnectConfigError` at once. */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  const settings = resolveOptions(options);
  const { credentials } = settings;
  const lookup = createOperationLookup(settings.baseUrl);
  const redactor = createRedactor(credentials?.clientSecret);
  const { redact } = redactor;
  const onHookError = warnHookError(redact);
  /** An OAuth call goes through the transport like any call (timeouts, retries), with no token. */
  const sendOAuth = (request: OutgoingRequest, path: OAuthPath): Promise<Response> => {
    const { target, facts } = lookup("POST", path);
    const options = { timeout: settings.timeout, maxRetries: settings.retry.maxRetries, safe: true, json: true };
    return send(core, request, newCallState(target, facts, undefined, options));
  };
  const auth = credentials && credentialTokens(settings, credentials, redactor, sendOAuth, onHookError);
  // The options allow exactly one of the two.
  const tokens = auth ? auth.cache : accessTokenSource(settings.accessToken as AccessTokenOption, redactor);
  const core: ClientCore = {
    ...settings,
    lookup,
    redact,
    onHookError,
    authorize: createAuthorize(tokens, settings.scope, redact),
    inner: createClient<paths, "application/json">({
      baseUrl: settings.baseUrl,
      headers: settings.headers,
    }),
    usesMiddleware: false,
    auth,
  };
  return bind(core, undefined) as ConnectClient;
}

/**
 * A fresh token from the token endpoint, not cached: `createUserToken(userId, scope)` (a user token
 * to hand to a browser) and `createClientToken(scope)` (a client-credentials token, e.g. for a cache
 * of your own).
 */
async function mintToken({ auth }: ClientCore, what: string, scope: unknown, userId?: string): Promise<AccessToken> {
  if (typeof scope !== "string") throw new ConnectConfigError(`${what} needs a scope, e.g. "connect:fulfillment".`);
  if (auth === undefined) throw new ConnectConfigError(`${what} needs clientId and clientSecret.`);
  const grant = userId === undefined ? "client_credentials" : "fulfillment_user_assertion";
  return auth.oauth.requestToken({ grant, scope, userId });
}

/** The client object for one user (undefined: the back-end client). */
function bind(core: ClientCore, userId: string | undefined): ConnectClient | ConnectUserClient {
  const { inner, auth, baseUrl } = core;
  const method = (name: string) => (path: string, init?: Record<string, unknown>) => call(core, name, path, init, userId);
  const client = {
    GET: method("GET"),
    PUT: method("PUT"),
    POST: method("POST"),
    DELETE: method("DELETE"),
    PATCH: method("PATCH"),
    use(...middleware: Middleware[]) {
      inner.use(...middleware);
      core.usesMiddleware = true;
    },
    eject: inner.eject,
    forUser: (id: string) => bind(core, checkUserId(id, "forUser(userId)")) as ConnectUserClient,
    createUserToken: async (id: string, scope: string) => {
      const what = "createUserToken(userId, scope)";
      return mintToken(core, what, scope, checkUserId(id, what));
    },
    createClientToken: async (scope: string) => mintToken(core, "createClientToken(scope)", scope),
    // Expired tokens need no revoking.
    revokeTokens: async () => (auth ? revokeAll(auth.oauth, auth.cache.drain()) : { revoked: 0, failed: [] }),
    server: baseUrl,
    userId,
    // What util.inspect shows: where it goes and for whom (never a secret).
    [Symbol.for("nodejs.util.inspect.custom")]: () =>
      `ConnectClient { server: '${baseUrl}'${userId === undefined ? "" : `, user: '${userId}'`} }`,
  };
  return client as unknown as ConnectClient | ConnectUserClient;
}
