/**
 * The December 2026 corrections (reference corrections.md, D1–D14 and N10–N14), one test each:
 * what the spec says now, and where it matters, what the suite's Prism mock accepts or refuses.
 */
import { describe, expect, it } from "vitest";
import { listOperations } from "../../scripts/lib/spec.ts";
import {
  DOCS_POS_TRANSACTION,
  operation,
  property,
  requestSchema,
  schema,
  sendToMock,
  spec,
  successSchemaName,
  type Schema,
} from "./support.ts";

const DISPATCH_STAGE_PAGE = "https://docs.instacart.com/connect/api/fulfillment/lastmile/stage_order_dispatch";

/** A valid create delivery order body, with the given `user`. */
function deliveryOrder(user: Record<string, unknown>): Record<string, unknown> {
  return {
    order_id: "order-20261127-0001",
    service_option_hold_id: 1280750203,
    address: { address_line_1: "50 Beale St", postal_code: "94105" },
    items: [{ line_num: "1", count: 2, item: { upc: "00041570054161" } }],
    user,
  };
}

describe("D1: stage a dispatch last mile order is a current dispatch operation", () => {
  const { method, path, operation: op } = operation("stageDispatchLastMileOrder");

  it("is POST /v2/fulfillment/lastmile/orders/{order_id}/staged, not deprecated, linking the dispatch page", () => {
    expect(`${method} ${path}`).toBe("POST /v2/fulfillment/lastmile/orders/{order_id}/staged");
    expect(op.deprecated).toBeUndefined();
    expect(op["x-replaced-by"]).toBeUndefined();
    expect(op.tags).toEqual(["Dispatch last mile delivery"]);
    expect(op.externalDocs?.url).toBe(DISPATCH_STAGE_PAGE);
    expect(listOperations(spec).map(({ operation: each }) => each.operationId)).not.toContain("stageLastMileOrderLegacy");
  });

  it("records the deprecated last mile use like getDispatchLastMileOrder does", () => {
    expect(op["x-deprecated-uses"]).toEqual([
      expect.objectContaining({
        operationId: "stageLastMileOrderLegacy",
        replacedBy: "stageLastMileOrder",
        url: "https://docs.instacart.com/connect/api/fulfillment/lastmile/stage_order",
      }),
    ]);
    const get = operation("getDispatchLastMileOrder").operation["x-deprecated-uses"] as Schema[];
    expect(Object.keys((op["x-deprecated-uses"] as Schema[])[0]!).sort()).toEqual(Object.keys(get[0]!).sort());
  });

  it("takes the dispatch page's body, closed, with bag_scan_codes only for the deprecated use", () => {
    const body = requestSchema("stageDispatchLastMileOrder");
    const properties = body.properties as Record<string, Schema>;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toBeUndefined();
    expect(properties.items_count?.type).toBe("integer");
    expect(properties.bags_count?.type).toBe("integer");
    expect(properties.items_weight).toMatchObject({ type: "number", description: expect.stringContaining("lbs") });
    expect(properties.bag_label?.type).toBe("string");
    expect(properties.bag_scan_codes).toMatchObject({ deprecated: true, "x-replaced-by": "stageLastMileOrder" });
  });

  it("is answered by the mock without a Deprecation header, and refuses a field of neither table", async () => {
    const staged = await sendToMock("stageDispatchLastMileOrder", { items_count: 8, bags_count: 2, items_weight: 12.5, bag_label: "A-17" });
    expect(staged).toMatchObject({ status: 200, deprecation: null });
    const typo = await sendToMock("stageDispatchLastMileOrder", { bag_count: 2 });
    expect(typo.status).toBe(400);
    expect(typo.violations).toContain("bag_count");
  });
});

describe("D2: transaction_timestamp has no date-time format", () => {
  it("accepts the docs' example with a one-digit offset", async () => {
    expect(property("PosTransactionRequest", "transaction_timestamp").format).toBeUndefined();
    const answer = await sendToMock("sendPosTransaction", {
      ...DOCS_POS_TRANSACTION,
      id: "t-d2",
      transaction_timestamp: "2022-03-09T11:37:00-5:00",
    });
    expect(answer).toMatchObject({ status: 200, violations: "" });
  });
});

describe("D3: last_four has no pattern", () => {
  it("accepts a value the old four-digit pattern refused", async () => {
    expect(property("PosTransactionRequest", "last_four").pattern).toBeUndefined();
    const answer = await sendToMock("sendPosTransaction", { ...DOCS_POS_TRANSACTION, id: "t-d3", last_four: "07890" });
    expect(answer.status).toBe(200);
  });
});

describe("D4: birthday is an ISO 8601 string, not a date", () => {
  it.each(["1990-01-31", "1990-01-31T00:00:00Z", "01/31/1990"])("accepts the birthday %s on create delivery order", async (birthday) => {
    expect(property("OrderUser", "birthday").format).toBeUndefined();
    const answer = await sendToMock("createDeliveryOrder", deliveryOrder({ birthday }));
    expect(answer).toMatchObject({ status: 200, violations: "" });
  });
});

describe("D5: no minLength on optional request strings", () => {
  it.each([
    ["CreateLastMileOrderRequest", "order_id"],
    ["CancelDispatchLastMileOrderRequest", "user_id"],
    ["PreviewLastMileServiceOptionsRequest", "location_code"],
    ["PreviewLastMileServiceOptionsRequest", "postal_code"],
    ["ListLastMileServiceOptionsLegacyRequest", "location_code"],
    ["ListDeliveryServiceOptionsRequest", "location_code"],
    ["ReservePreviewedServiceOptionRequest", "location_code"],
    ["ValidateItemsRequest", "location_code"],
    ["SandboxBatchOrder", "id"],
    ["OrderItem", "line_num"],
  ])("%s.%s has none", (name, field) => {
    expect(property(name, field).minLength).toBeUndefined();
  });

  it("has none on the identifiers of ItemIdentifier", () => {
    for (const variant of schema("ItemIdentifier").oneOf as Schema[]) {
      for (const field of Object.values(variant.properties as Record<string, Schema>)) expect(field.minLength).toBeUndefined();
    }
  });

  it("lets the mock accept empty optional strings", async () => {
    expect(await sendToMock("cancelDispatchLastMileOrder", { user_id: "" })).toMatchObject({ status: 200 });
    const items = [{ line_num: "1", count: 1, special_instructions: "", item: { upc: "00041570054161" } }];
    expect(await sendToMock("listPickupServiceOptions", { location_code: "3012", items })).toMatchObject({ status: 200 });
  });
});

describe("D6: initial_tip_cents of create delivery order", () => {
  it("stays optional and says that the 2021 docs required it", () => {
    expect((schema("CreateDeliveryOrderRequest").required as string[]).includes("initial_tip_cents")).toBe(false);
    expect(property("CreateDeliveryOrderRequest", "initial_tip_cents").description).toMatch(/Required in the 2021 docs/);
  });
});

describe("D7: the POST form of the Sandbox item update", () => {
  it("is its own operation with the PUT form's body, and says where it comes from", () => {
    const post = operation("updateSandboxShopperOrderItemPost");
    const put = operation("updateSandboxShopperOrderItem");
    expect(post.method).toBe("POST");
    expect(post.path).toBe(put.path);
    expect(post.operation.requestBody).toEqual({ ...(put.operation.requestBody as Schema), content: expect.anything() });
    expect(requestSchema("updateSandboxShopperOrderItemPost")).toBe(requestSchema("updateSandboxShopperOrderItem"));
    expect(post.operation["x-source"]).toMatch(/sandbox\.md §2\.3/);
    expect(post.operation["x-source-trust"]).toBe("inferred");
  });

  it("is answered 200 by the mock for the how-to's request", async () => {
    const answer = await sendToMock("updateSandboxShopperOrderItemPost", {
      delivered_count: 8,
      scans: [{ scanned_string: "1234567890123", scanned_string_type: "upca" }],
      status: "found",
    });
    expect(answer).toMatchObject({ status: 200, violations: "" });
  });
});

describe("D8: the rrc item identifier is grade A", () => {
  it("carries no lower trust mark and cites the Recommendations docs", () => {
    const rrc = (schema("ItemIdentifier").oneOf as Schema[]).find((variant) => variant.title === "ByRrc")!;
    expect(rrc["x-source-trust"]).toBeUndefined();
    expect(rrc["x-source"]).toMatch(/recommendations\/replacement_items/);
    expect(property("OrderItem", "item").description).toMatch(/trust grade C for this use/);
  });
});

describe("D9: the dispatch update request table is closed", () => {
  it("lists the ten fields of the docs' table and the deprecated use's bag_label", () => {
    const body = schema("UpdateDispatchLastMileOrderRequest");
    expect(body.additionalProperties).toBe(false);
    expect(body["x-incomplete"]).toBeUndefined();
    expect(Object.keys(body.properties as Schema).sort()).toEqual([
      "alcoholic",
      "bag_label",
      "bags_count",
      "cart_total",
      "end_at",
      "initial_tip_cents",
      "items_count",
      "items_weight",
      "service_option_id",
      "special_instructions",
      "start_at",
    ]);
    expect(property("UpdateDispatchLastMileOrderRequest", "bag_label")).toMatchObject({ deprecated: true });
  });

  it("makes the mock refuse a field outside the table and a window with one end", async () => {
    const unknown = await sendToMock("updateDispatchLastMileOrder", { items_count: 3, bag_scan_codes: ["1"] });
    expect(unknown.status).toBe(400);
    expect(unknown.violations).toContain("bag_scan_codes");
    expect((await sendToMock("updateDispatchLastMileOrder", { end_at: "2026-11-27T19:00:00-06:00" })).violations).toContain("start_at");
  });
});

describe("D10: dispatch get and cancel answer what the dispatch pages document", () => {
  it("uses DispatchOrder, without warnings, items or pos_payment_method", () => {
    expect(successSchemaName("getDispatchLastMileOrder")).toBe("DispatchOrder");
    expect(successSchemaName("cancelDispatchLastMileOrder")).toBe("DispatchOrder");
    expect(Object.keys(schema("DispatchOrder").properties as Schema)).toEqual([
      "id",
      "status",
      "order_url",
      "created_at",
      "cancellation_reason",
      "locale",
      "is_express",
      "is_instacartplus",
      "metadata",
      "fulfillment_details",
    ]);
  });

  it("keeps each DispatchOrder field identical to the Order's", () => {
    const order = schema("Order").properties as Record<string, Schema>;
    for (const [name, field] of Object.entries(schema("DispatchOrder").properties as Record<string, Schema>))
      expect(field).toEqual(order[name]);
    expect(schema("DispatchOrder").required).toEqual(schema("Order").required);
  });
});

describe("D11: pickup_category of the post-checkout order", () => {
  it("is an open string, marked inferred, citing the schedule pickup page", () => {
    const field = property("PostCheckoutOrder", "pickup_category");
    expect(field).toMatchObject({ type: "string", "x-source-trust": "inferred", examples: ["curbside"] });
    expect(field.enum).toBeUndefined();
    expect(field["x-source"]).toMatch(/schedule_pickup/);
  });
});

describe("D12, N10, N11: blackout_times and additional_images_url are typed", () => {
  it("types blackout_times as the docs' periods: weekday enum, four required fields, closed table", () => {
    const period = schema("BlackoutPeriod");
    expect(property("CatalogItem", "blackout_times")).toMatchObject({
      type: "array",
      items: { $ref: "#/components/schemas/BlackoutPeriod" },
    });
    expect(period.required).toEqual(["weekday", "start_hour", "end_hour", "start_date"]);
    expect(period.additionalProperties).toBe(false);
    expect((period.properties as Record<string, Schema>).weekday?.enum).toEqual([
      "monday",
      "tuesday",
      "wednesday",
      "thursday",
      "friday",
      "saturday",
      "sunday",
    ]);
    for (const field of Object.values(period.properties as Record<string, Schema>)) expect(field.format ?? field.pattern).toBeUndefined();
  });

  it("types additional_images_url as open objects with angle and src", () => {
    expect(property("CatalogProduct", "additional_images_url")).toMatchObject({
      type: "array",
      items: { $ref: "#/components/schemas/ProductImage" },
    });
    expect(schema("ProductImage")).toMatchObject({ properties: { angle: { type: "string" }, src: { type: "string" } } });
    expect(schema("ProductImage").additionalProperties).toBeUndefined();
  });

  it("makes the mock refuse a blackout period without its weekday", async () => {
    const period = { start_hour: "6:00:00:00+0000", end_hour: "10:00:00:00+0000", start_date: "02/01/2019" };
    const answer = await sendToMock("submitCatalogItems", { lookup_code: "1", store_identifier: "1234", blackout_times: [period] });
    expect(answer.status).toBe(400);
    expect(answer.violations).toContain("weekday");
  });
});

describe("D13: shopper_id as a JSON string of digits", () => {
  it("is accepted by the mock, as an integer or as digits, and a non-numeric string is not", async () => {
    const orders = [{ id: "a1b2c3" }];
    expect(await sendToMock("generateSandboxBatch", { shopper_id: 21850710, orders })).toMatchObject({ status: 200 });
    expect(await sendToMock("generateSandboxBatch", { shopper_id: "21850710", orders })).toMatchObject({ status: 200 });
    expect((await sendToMock("generateSandboxBatch", { shopper_id: "shopper-1", orders })).status).toBe(400);
  });
});

describe("D14, N12: the item API's order_lead_time, cancel_lead_time and price", () => {
  it("types both lead times as integer minutes and names price without a type", () => {
    expect(property("CatalogItem", "order_lead_time")).toMatchObject({
      type: "integer",
      description: expect.stringContaining("in minutes"),
    });
    expect(property("CatalogItem", "cancel_lead_time")).toMatchObject({
      type: "integer",
      description: expect.stringContaining("in minutes"),
    });
    expect(property("CatalogItem", "cancel_lead_time")["x-incomplete"]).toBeUndefined();
    expect(property("CatalogItem", "price")).toMatchObject({ "x-incomplete": true });
    expect(property("CatalogItem", "price").type).toBeUndefined();
  });
});

describe("N13: code_set_version's default", () => {
  it("states the docs' default in its description", () => {
    expect(property("CatalogProduct", "code_set_version").description).toMatch(
      /If not\s+provided, defaults to the current catalog version/,
    );
  });
});

describe("N14: count or weight on an order item", () => {
  it("says what happens to the field the product's quantity type does not use", () => {
    expect(schema("OrderItem").description).toMatch(/added to the order's special instructions/);
  });

  it("makes the mock accept both on one item and refuse neither", async () => {
    const order = (item: Schema): Record<string, unknown> => ({
      location_code: "3012",
      items: [{ line_num: "1", item: { upc: "1" }, ...item }],
    });
    expect(await sendToMock("listPickupServiceOptions", order({ count: 2, weight: 1.5 }))).toMatchObject({ status: 200 });
    expect((await sendToMock("listPickupServiceOptions", order({}))).status).toBe(400);
  });
});
