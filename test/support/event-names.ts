/**
 * The `event_name`s third-party handlers assume for the Fulfillment callbacks (reference events.md §5,
 * grades D/E). The docs confirm only `fulfillment.brand_new` and `chat_message_created`.
 */
export const THIRD_PARTY_EVENT_NAMES = [
  "fulfillment.acknowledged",
  "fulfillment.picking",
  "fulfillment.checkout",
  "fulfillment.delivering",
  "fulfillment.delivered",
  "fulfillment.canceled",
] as const;
