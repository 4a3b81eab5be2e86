/** The public surface of `instacart-connect`: explicit exports only. */
export { createConnectClient } from "./client/client.js";
export { unwrap } from "./client/result.js";
export type { ConnectClientOptions, ConnectHooks } from "./client/options.js";
export type { BackEndPaths, CallOptions, ConnectClient, ConnectClientBase, ConnectMethod, ConnectUserClient } from "./client/types.js";
export type { RevokeResult } from "./auth/oauth.js";
export type { AccessToken, AccessTokenContext, AccessTokenOption, Grant, TokenRefreshInfo, TokenRequest } from "./auth/types.js";
export { userAssertion } from "./auth/oauth.js";
export type { SharedTokenCache } from "./auth/shared-token-cache.js";
export type { Clock } from "./clock.js";
export type { DeprecationHandler, DeprecationInfo } from "./deprecation.js";
export {
  ConnectAbortError,
  ConnectApiError,
  ConnectAuthError,
  ConnectCallError,
  ConnectConfigError,
  ConnectError,
  ConnectNetworkError,
  ConnectRequestError,
  ConnectResponseError,
  ConnectTimeoutError,
} from "./errors.js";
export type { CallTarget, ConnectErrorItem, SpecViolation } from "./errors.js";
export { isLoopbackHost, resolveServer } from "./servers.js";
export type { ServerName } from "./servers.js";
export type { RedactedHeaders, RequestHookInfo, ResponseHookInfo, RetryHookInfo } from "./transport/hooks.js";
export type { OperationId, RequestBody, ResponseData, Schema, SchemaName } from "./spec-types.js";
export { VERSION } from "./version.js";
export type { UserOnlyPath } from "../generated/operations.js";
export type { components, operations, paths } from "../generated/schema.js";

// The event-callback side, as `instacart-connect/events` exports it (the same objects: one module graph).
export {
  ConnectCallbackError,
  ConnectEventStoreError,
  createCallbackHandler,
  createCallbackTokenHandler,
  createCallbackTokenVerifier,
  createMemoryEventStore,
  isKnownCallbackEvent,
  parseCallbackEvent,
} from "./events/index.js";
export type {
  AcknowledgedEvent,
  AtStoreEtaEvent,
  BrandNewEvent,
  CallbackAccessTokenGrant,
  CallbackClaim,
  CallbackErrorReason,
  CallbackEvent,
  CallbackEventContext,
  CallbackEventLease,
  CallbackEventMap,
  CallbackEventStore,
  CallbackFailureStage,
  CallbackHandlerOptions,
  CallbackSigningSecret,
  CallbackTokenHandlerOptions,
  CallbackTokenVerifierOptions,
  CanceledEvent,
  ChatMessageCreatedEvent,
  CheckoutEvent,
  DeliveredEvent,
  DeliveringEvent,
  FulfillmentEvent,
  KnownCallbackEvent,
  KnownCallbackEventName,
  LateDeliveryEvent,
  LatePickupEvent,
  MemoryEventStoreOptions,
  PickingEvent,
  RescheduledEvent,
  StagedEvent,
  UnknownCallbackEvent,
  webhooks,
} from "./events/index.js";
