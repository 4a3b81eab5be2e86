/**
 * Customer–shopper chat (post-checkout.md §4): messages kept until 24 hours after the order is
 * delivered or canceled, sending allowed while a shopper works on the order, and the
 * `chat_message_created` callback for every customer message (its `topic_id` is the order's
 * Instacart id here: the docs do not say what a topic is).
 */
import type { components } from "../../../generated/schema.js";
import { apiError } from "../errors.js";
import { nextId, type SimOrder } from "../state.js";
import { FINAL_STATUSES } from "../workflows.js";
import { bodyOf, type Handler, type World } from "./context.js";
import { customerOrder } from "./post-checkout.js";
import { numericUserId } from "./views.js";

type S = components["schemas"];
const KEPT_MS = 24 * 3_600_000;

const expired = (world: World, order: SimOrder): boolean => order.closedAt !== undefined && world.clock.now() >= order.closedAt + KEPT_MS;

/** The shopper of the order's latest batch. */
function shopperOf(world: World, order: SimOrder): number | undefined {
  const batchId = order.batchIds.at(-1);
  return batchId === undefined ? undefined : world.state.batches.get(batchId)?.shopperId;
}

function participants(world: World, order: SimOrder): S["ChatMessagesMetadata"] {
  const shopper = shopperOf(world, order);
  const customerId = numericUserId(order.userId ?? "");
  return {
    customer: { id: customerId, display_name: world.state.users.get(order.userId ?? "")?.firstName ?? "Customer" },
    current_shopper: { id: shopper ?? 0, display_name: shopper === undefined ? "" : `Shopper ${shopper}` },
    is_expired: expired(world, order),
  };
}

function messages(world: World, order: SimOrder): S["Message"][] {
  if (expired(world, order)) return [];
  const customer = numericUserId(order.userId ?? "");
  const shopper = shopperOf(world, order) ?? 0;
  return order.chat.map((message) => {
    const fromUser = message.senderType === "user";
    const view: S["Message"] = {
      id: message.id,
      order_id: order.internalId,
      created_at: new Date(message.createdAt).toISOString(),
      recipient_id: fromUser ? shopper : customer,
      recipient_type: fromUser ? "driver" : "user",
      sender_id: fromUser ? customer : shopper,
      sender_type: message.senderType,
      read: message.readAt !== undefined,
      body: message.body,
    };
    if (message.readAt !== undefined) view.read_at = new Date(message.readAt).toISOString();
    return view;
  });
}

const getChatMessages: Handler = (context) => {
  const order = customerOrder(context);
  return { chat_messages: messages(context.world, order), metadata: participants(context.world, order) } satisfies S["ChatMessages"];
};

/** All messages; lifecycle notifications are not simulated (their fields are not public). */
const getOrderMessages: Handler = (context) => {
  const order = customerOrder(context);
  const chat = messages(context.world, order).map((message) => ({ id: message.id }));
  return {
    chat_messages: chat,
    lifecycle_messages: [],
    metadata: { is_expired: expired(context.world, order) },
  } satisfies S["OrderMessages"];
};

const sendChatMessage: Handler = (context) => {
  const { world } = context;
  const order = customerOrder(context);
  if (shopperOf(world, order) === undefined || FINAL_STATUSES.has(order.status)) {
    throw apiError(403, "Sending a message is not allowed at this time", null);
  }
  if (order.chat.length >= 1000) order.chat.shift();
  const message = {
    id: nextId(world.state, "message"),
    createdAt: world.clock.now(),
    senderType: "user" as const,
    body: bodyOf<S["SendChatMessageRequest"]>(context).body,
    readAt: undefined,
  };
  order.chat.push(message);
  world.events.emit("chat-message-created", { topic_id: String(order.internalId) });
  return {
    id: message.id,
    type: "CHAT",
    created_at: new Date(message.createdAt).toISOString(),
    timezone: "UTC",
  } satisfies S["SendChatMessageResponse"];
};

/** Marks the shopper's unread messages read. */
const markChatMessagesAsRead: Handler = (context) => {
  const order = customerOrder(context);
  let count = 0;
  for (const message of order.chat) {
    if (message.senderType === "driver" && message.readAt === undefined) {
      message.readAt = context.world.clock.now();
      count += 1;
    }
  }
  return { messages_read_count: count } satisfies S["MarkMessagesAsReadResponse"];
};

export const chatHandlers: Record<string, Handler> = { getChatMessages, getOrderMessages, sendChatMessage, markChatMessagesAsRead };
