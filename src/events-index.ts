/**
 * The public surface of `instacart-connect/events`: the event callback side only (parse, receive,
 * answer Instacart's token request). It does not load the API client, openapi-fetch or the
 * operation table, so a callback receiver starts lighter. Every export is the very object the
 * package root exports (one module graph), so `instanceof` works across the two entries.
 */
export { ConnectConfigError, ConnectError } from "./errors.js";
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
  LateDeliveryEvent,
  LatePickupEvent,
  MemoryEventStoreOptions,
  PickingEvent,
  RescheduledEvent,
  StagedEvent,
  UnknownCallbackEvent,
} from "./events.js";
export { createCallbackTokenHandler } from "./callback-token.js";
export type { CallbackAccessTokenGrant, CallbackTokenHandlerOptions } from "./callback-token.js";
export type { webhooks } from "../generated/schema.js";
