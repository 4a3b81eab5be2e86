export { createConnectClient } from "./client.js";
export type { ConnectClient, ConnectClientOptions } from "./client.js";
export { ConnectAuthError } from "./auth.js";
export { ConnectConfigError, ConnectError } from "./errors.js";
export { isLoopbackHost, resolveServer } from "./servers.js";
export type { ServerName } from "./servers.js";
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
