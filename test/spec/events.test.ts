/**
 * The callback event names and payload fields found in third-party integration code (reference
 * corrections.md N2–N9, grade D): known event names, marked fields that are never required, carry no
 * format and are not checked at run time, so that a wrong guess never makes a receiver refuse an event.
 */
import { describe, expect, it } from "vitest";
import { deref } from "../../scripts/lib/spec.ts";
import { isKnownCallbackEvent, parseCallbackEvent } from "../../src/events/index.ts";
import type { KnownCallbackEventName, LateDeliveryEvent, LatePickupEvent, RescheduledEvent, StagedEvent } from "../../src/events/index.ts";
import { property, schema, spec, type Schema } from "./support.ts";

const NEW_EVENTS = [
  ["late-delivery", "LateDeliveryEvent", "fulfillment.late_delivery"],
  ["late-pickup", "LatePickupEvent", "fulfillment.late_pickup"],
  ["rescheduled", "RescheduledEvent", "fulfillment.rescheduled"],
  ["staged", "StagedEvent", "fulfillment.staged"],
] as const;

/** The names are part of the public types (a compile-time check: `tsc` fails if one is missing). */
const typedNames: KnownCallbackEventName[] = [
  "fulfillment.late_delivery" satisfies LateDeliveryEvent["event_name"],
  "fulfillment.late_pickup" satisfies LatePickupEvent["event_name"],
  "fulfillment.rescheduled" satisfies RescheduledEvent["event_name"],
  "fulfillment.staged" satisfies StagedEvent["event_name"],
];

/** An event body as Instacart would post it (the integrator's test data, with an integer event_id). */
function body(eventName: string, metadata: Record<string, unknown>): string {
  return JSON.stringify({
    event_id: 1201895966044381000,
    event_name: eventName,
    event_timestamp: "2022-05-06T12:00:00Z",
    event_metadata: { order_id: "b7fab7ae-11fc-4453-98e1-a00000000000", ...metadata },
  });
}

describe("N2: event names from third-party code", () => {
  it.each(NEW_EVENTS)("the %s webhook posts %s with event_name %s, marked grade D", (key, schemaName, eventName) => {
    const webhook = spec.webhooks?.[key]?.post as { requestBody: { content: Record<string, { schema: { $ref: string } }> } };
    expect(webhook.requestBody.content["application/json"]!.schema.$ref).toBe(`#/components/schemas/${schemaName}`);
    const parts = (schema(schemaName).allOf as Schema[]).map((part) => deref(spec, part) as Schema);
    const name = parts.map((part) => (part.properties as Record<string, Schema> | undefined)?.event_name).find((each) => each?.const);
    expect(name).toMatchObject({
      const: eventName,
      "x-source-trust": "D",
      "x-source": expect.stringContaining("spryker-sdk/load-testing"),
    });
  });

  it.each(NEW_EVENTS)("parseCallbackEvent knows %s's event %s", (_, __, eventName) => {
    expect(typedNames).toContain(eventName);
    expect(isKnownCallbackEvent(parseCallbackEvent(body(eventName, {})))).toBe(true);
  });
});

describe("N3–N9: payload fields from third-party test data", () => {
  const FIELDS: [string, string][] = [
    ["PickingEventMetadata", "order_url"],
    ["PickingEventMetadata", "store_location"],
    ["NewWindowEventMetadata", "new_window"],
    ["CanceledEventMetadata", "cancellation_reason"],
    ["StagedEventMetadata", "status_link"],
    ["StagedEventMetadata", "pickup_link"],
    ["StagedEventMetadata", "order_items"],
    ["DeliveringEventMetadata", "order_items"],
    ["DeliveringEventMetadata", "delivery_window"],
    ["DeliveredEventMetadata", "order_items"],
  ];

  it.each(FIELDS)("%s.%s is marked grade D, not required and has no format", (metadata, field) => {
    const node = property(metadata, field);
    const target = deref(spec, node) as Schema;
    expect(node["x-source-trust"] ?? target["x-source-trust"]).toBe("D");
    expect(String(node["x-source"] ?? target["x-source"])).toContain("spryker-sdk/load-testing");
    expect(JSON.stringify(target)).not.toMatch(/"(format|pattern|minLength)"/);
    const own = (schema(metadata).allOf as Schema[]).map((part) => deref(spec, part) as Schema);
    expect(own.flatMap((part) => (part.required as string[] | undefined) ?? [])).toEqual(["order_id"]);
  });

  it("keeps the window and item shapes open, with nothing required", () => {
    for (const name of ["CallbackWindow", "CallbackOrderItem"]) {
      expect(schema(name)).toMatchObject({ "x-source-trust": "D" });
      expect(schema(name).required).toBeUndefined();
      expect(schema(name).additionalProperties).toBeUndefined();
    }
  });

  it("parses the integrator's payloads, zone-less window times included", () => {
    const late = parseCallbackEvent(
      body("fulfillment.late_delivery", { new_window: { starts_at: "2022-05-06 07:30:00", ends_at: "2022-05-06 09:00:00" } }),
    );
    if (!isKnownCallbackEvent(late) || late.event_name !== "fulfillment.late_delivery") throw new Error("not narrowed");
    expect(late.event_metadata.new_window?.starts_at).toBe("2022-05-06 07:30:00");
    const items = [
      { line_num: "1", qty: 1, qty_unit: "each", replaced: false, refunded: true, item_upc: "1", item_rrc: "", scan_code: "8743521" },
    ];
    const staged = parseCallbackEvent(
      body("fulfillment.staged", {
        status_link: "delivery.retailer.com/xyz",
        pickup_link: "retailer.com/xyz1/pickuplink",
        order_items: items,
      }),
    );
    if (!isKnownCallbackEvent(staged) || staged.event_name !== "fulfillment.staged") throw new Error("not narrowed");
    expect(staged.event_metadata.order_items?.[0]?.refunded).toBe(true);
  });

  it("does not refuse an event whose grade-D fields have another shape, but still checks order_id", () => {
    const odd = { new_window: "tomorrow", order_items: null, cancellation_reason: 7, order_url: null, delivery_window: [] };
    for (const [, , eventName] of NEW_EVENTS) expect(() => parseCallbackEvent(body(eventName, odd))).not.toThrow();
    for (const eventName of ["fulfillment.picking", "fulfillment.canceled", "fulfillment.delivering", "fulfillment.delivered"]) {
      expect(() => parseCallbackEvent(body(eventName, odd))).not.toThrow();
    }
    const withoutOrder = JSON.stringify({
      event_id: 1,
      event_name: "fulfillment.staged",
      event_timestamp: "2022-05-06T12:00:00Z",
      event_metadata: {},
    });
    expect(() => parseCallbackEvent(withoutOrder)).toThrow(/event_metadata.order_id is required/);
  });
});
