/**
 * The public surface of `instacart-connect/events`: the event callback side only (parse, receive,
 * answer Instacart's token request). It does not load the API client, openapi-fetch or the
 * operation table, so a callback receiver starts lighter. Every export is the very object the
 * package root exports (one module graph), so `instanceof` works across the two entries.
 */
export { ConnectConfigError, ConnectError } from "../errors.js";
export { ConnectCallbackError } from "./callback-error.js";
export type { CallbackErrorReason } from "./callback-error.js";
export { isKnownCallbackEvent, parseCallbackEvent } from "./parse.js";
export type { CallbackEvent } from "./parse.js";
export type {
  AcknowledgedEvent,
  AtStoreEtaEvent,
  BrandNewEvent,
  CallbackEventMap,
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
  PickingEvent,
  RescheduledEvent,
  StagedEvent,
  UnknownCallbackEvent,
} from "../../generated/events.js";
export { createCallbackHandler } from "./handler.js";
export type { CallbackEventContext, CallbackFailureStage, CallbackHandlerOptions } from "./handler.js";
export { ConnectEventStoreError } from "./store.js";
export type { CallbackClaim, CallbackEventLease, CallbackEventStore } from "./store.js";
export { createMemoryEventStore } from "./memory-store.js";
export type { MemoryEventStoreOptions } from "./memory-store.js";
export { createCallbackTokenHandler } from "./token-endpoint.js";
export type { CallbackAccessTokenGrant, CallbackTokenHandlerOptions } from "./token-endpoint.js";
export { createCallbackTokenVerifier } from "./signed-token.js";
export type { CallbackSigningSecret, CallbackTokenVerifierOptions } from "./signed-token.js";
export type { webhooks } from "../../generated/schema.js";
