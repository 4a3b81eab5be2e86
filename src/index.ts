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
export {
  ConnectCallbackError,
  createCallbackHandler,
  createMemoryEventStore,
  isKnownCallbackEvent,
  parseCallbackEvent,
} from "./events.js";
export type {
  AcknowledgedEvent,
  AtStoreEtaEvent,
  BrandNewEvent,
  CallbackClaim,
  CallbackErrorReason,
  CallbackEvent,
  CallbackEventMap,
  CallbackEventStore,
  CallbackFailureStage,
  CallbackHandlerOptions,
  CanceledEvent,
  ChatMessageCreatedEvent,
  CheckoutEvent,
  DeliveredEvent,
  DeliveringEvent,
  FulfillmentEvent,
  KnownCallbackEvent,
  KnownCallbackEventName,
  MemoryEventStoreOptions,
  PickingEvent,
  UnknownCallbackEvent,
} from "./events.js";
export { createCallbackTokenHandler } from "./callback-token.js";
export type { CallbackAccessTokenGrant, CallbackTokenHandlerOptions } from "./callback-token.js";
export type { webhooks } from "../generated/schema.js";
