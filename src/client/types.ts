/** The public types of the client: its call options and signature, and the two kinds of client. */
import type { FetchResponse, MaybeOptionalInit, Middleware } from "openapi-fetch";
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import type { UserOnlyPath } from "../../generated/operations.js";
import type { paths } from "../../generated/schema.js";
import type { RevokeResult } from "../auth/oauth.js";
import type { AccessToken } from "../auth/types.js";
import type { CALL_OPTION_KEYS } from "./call-options.js";

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

/** Every key a call may pass; any other (a typo, or `baseUrl`, `fetch`, `Request`, `pathSerializer`, `redirect`) is refused. */
type CallOptionKey = (typeof CALL_OPTION_KEYS)[number] | keyof CallOptions;
/**
 * Each key a call may not pass, as `never`: a misspelled option is a type error at that key. (Key
 * remapping: tsc checks a call with a fifth of the instantiations `Exclude<keyof Init, …>` costs.)
 */
type OnlyKnownKeys<Init> = { [Key in keyof Init as Key extends CallOptionKey ? never : Key]?: NotACallOption };
/** The type of an unknown call option: nothing matches it, and (an object type) the error stays at that key. */
interface NotACallOption {
  readonly "is not a call option of instacart-connect": never;
}

type Media = "application/json";
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & CallOptions & OnlyKnownKeys<Init>)?] : [Init & CallOptions & OnlyKnownKeys<Init>];

// biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint for an operation object (internal, never in a public signature).
type Operation<PathItem, Method extends HttpMethod> = PathItem[Method & keyof PathItem] extends infer O extends Record<string | number, any>
  ? O
  : never;

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
  /** Mints a client-credentials token for `scope` ("" for a token without one), not cached: for a token store of your own. */
  createClientToken(scope: string): Promise<AccessToken>;
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
