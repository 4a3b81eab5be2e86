export { createConnectClient, unwrap } from "./client.js";
export type {
  BackEndPaths,
  CallOptions,
  ConnectClient,
  ConnectClientBase,
  ConnectClientOptions,
  ConnectHooks,
  ConnectMethod,
  ConnectUserClient,
  RevokeResult,
} from "./client.js";
export type { UserOnlyPath } from "../generated/operations.js";
export type { AccessToken, AccessTokenContext, AccessTokenOption, Grant, TokenRefreshInfo, TokenRequest } from "./auth.js";
export { userAssertion } from "./auth.js";
export type { DeprecationHandler, DeprecationInfo } from "./deprecation.js";
export {
  ConnectAbortError,
  ConnectApiError,
  ConnectAuthError,
  ConnectConfigError,
  ConnectError,
  ConnectNetworkError,
  ConnectRequestError,
  ConnectResponseError,
  ConnectTimeoutError,
} from "./errors.js";
export type { CallTarget, ConnectErrorItem } from "./errors.js";
export { isLoopbackHost, resolveServer } from "./servers.js";
export type { ServerName } from "./servers.js";
export type { RequestHookInfo, ResponseHookInfo, RetryHookInfo, RedactedHeaders } from "./transport.js";
export { VERSION } from "./version.js";
export type { components, operations, paths } from "../generated/schema.js";
// The event-callback side, as `instacart-connect/events` exports it (its ConnectError and
// ConnectConfigError are the ones exported above: the explicit exports take precedence).
export * from "./events/index.js";
