/**
 * Event callbacks as Instacart posts them (events.md §4): `{event_id, event_name, event_timestamp,
 * event_metadata}`, `event_id` a bare JSON integer as large as Instacart's (beyond 2^53), the
 * `event_name` read from the spec's webhook schema. A webhook whose `event_name` the spec does not
 * publish is recorded but not sent: the simulator never invents a name.
 */
import { isoSeconds, type InternalClock } from "./clock.js";
import type { Random } from "./random.js";
import type { ContractViolation, Log, RecordedEvent } from "./record.js";
import type { Contract } from "./validate.js";

export interface EventSink {
  /** Records the event and hands it to the delivery queue (when there is one). */
  emit(webhook: string, metadata: Record<string, unknown> & { order_id?: string }): RecordedEvent;
}

export interface EventSinkOptions {
  contract: Contract;
  clock: InternalClock;
  random: Random;
  log: Log<RecordedEvent>;
  violations: Log<ContractViolation>;
  /** Delivers a sendable event; undefined when no callback URL is configured. */
  deliver: ((event: RecordedEvent) => void) | undefined;
}

/** JSON text of the payload with `event_id` written as a bare integer (JSON.stringify would quote it). */
function serialize(eventId: string, rest: Record<string, unknown>): string {
  return `{"event_id":${eventId},${JSON.stringify(rest).slice(1)}`;
}

export function createEventSink(options: EventSinkOptions): EventSink {
  const { contract, clock, random, log, violations, deliver } = options;
  return {
    emit(webhook, metadata) {
      const info = contract.webhooks.get(webhook);
      const eventId = random.int64();
      const timestamp = isoSeconds(clock.now());
      const eventName = info?.eventName;
      // Without a public name the body has no event_name at all (it is recorded, never sent).
      const rest = { ...(eventName === undefined ? {} : { event_name: eventName }), event_timestamp: timestamp, event_metadata: metadata };
      const body = serialize(eventId, rest);
      let notSent: string | undefined;
      if (info === undefined) notSent = `the spec has no webhook "${webhook}"`;
      else if (eventName === undefined) notSent = `the spec does not publish the event_name of "${info.title}"`;
      else if (deliver === undefined) notSent = "no callback URL is configured (options.callbacks)";
      if (eventName !== undefined) {
        // event_id checked as a number: the schema says integer, and JSON.parse would round it anyway.
        const problems = contract.validateEvent(webhook, { event_id: Number(eventId), ...rest });
        if (problems.length > 0) violations.push({ at: timestamp, where: `webhook ${webhook}`, problems });
      }
      const event: RecordedEvent = { eventId, webhook, eventName, orderId: metadata.order_id, timestamp, body, notSent, deliveries: [] };
      log.push(event);
      if (notSent === undefined) deliver?.(event);
      return event;
    },
  };
}
