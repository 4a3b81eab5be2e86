/**
 * The mock accepts what the docs send: every request example of the spec, and in particular every
 * request example of Instacart's docs that the reference records, is answered 200 by the suite's
 * Prism mock (which validates requests and runs with `--errors`).
 */
import { describe, expect, it } from "vitest";
import { listOperations } from "../../scripts/lib/spec.ts";
import { DOCS_POS_TRANSACTION, sendToMock, spec } from "./support.ts";

interface NamedExample {
  operationId: string;
  name: string;
  value: unknown;
  source: string | undefined;
}

function requestExamples(): NamedExample[] {
  const out: NamedExample[] = [];
  for (const { operation } of listOperations(spec)) {
    const body = operation.requestBody as
      | { content?: Record<string, { examples?: Record<string, { value: unknown; "x-source"?: string }> }> }
      | undefined;
    for (const [name, example] of Object.entries(body?.content?.["application/json"]?.examples ?? {})) {
      out.push({ operationId: operation.operationId ?? "", name, value: example.value, source: example["x-source"] });
    }
  }
  return out;
}

const examples = requestExamples();

/**
 * The request examples of the docs that the reference records (reference fulfillment.md, transaction.md,
 * corrections.md D2), as the spec's named examples. The feedback pages' example is left out on
 * purpose: it sends `"highlights": ["string"]`, a placeholder the documented enum refuses
 * (reference corrections.md, note N-a).
 */
const DOCS_EXAMPLES: { operationId: string; name: string; value: unknown; page: string }[] = [
  {
    operationId: "findDeliveryStores",
    name: "coordinates",
    value: { find_by: { latitude: 1, longitude: 1 } },
    page: "https://docs.instacart.com/connect/api/fulfillment/delivery/find_stores",
  },
  {
    operationId: "findPickupStores",
    name: "coordinates",
    value: { find_by: { latitude: 1, longitude: 1 } },
    page: "https://docs.instacart.com/connect/api/fulfillment/pickup/find_stores",
  },
  {
    operationId: "previewPickupServiceOptions",
    name: "docs2021",
    value: { location_code: "string", cart_total_cents: 1, items_count: 1 },
    page: "https://docs.instacart.com/connect/api/fulfillment/pickup/preview_service_options",
  },
  {
    operationId: "createUser",
    name: "docs",
    value: { user_id: "string", first_name: "string", last_name: "string", phone_number: "string", locale: "string" },
    page: "https://docs.instacart.com/connect/api/fulfillment/users/create_user",
  },
  {
    operationId: "createUser",
    name: "tutorial",
    value: { user_id: "johnsmith6000", first_name: "john", last_name: "smith", phone_number: "800-555-0100" },
    page: "https://docs.instacart.com/connect/fulfillment_guide/tutorials/get_started/",
  },
  {
    operationId: "reserveDesiredWindowServiceOption",
    name: "docs",
    value: { service_option_reference: "string" },
    page: "https://docs.instacart.com/connect/api/fulfillment/delivery/create_desired_window_hold",
  },
  {
    operationId: "updateOrderTip",
    name: "docs",
    value: { tip_amount_cents: 1 },
    page: "https://docs.instacart.com/connect/api/fulfillment/delivery/update_tip",
  },
  {
    operationId: "cancelDispatchLastMileOrder",
    name: "docs",
    value: { user_id: "string" },
    page: "https://docs.instacart.com/connect/api/fulfillment/lastmile/cancel_order_dispatch",
  },
  {
    operationId: "sendPosTransaction",
    name: "offsetTimestamp",
    value: { ...DOCS_POS_TRANSACTION, transaction_timestamp: "2022-03-09T11:37:00-5:00", id: "847474" },
    page: "https://docs.instacart.com/connect/api/transaction/send_pos_transaction",
  },
  {
    operationId: "sendPosTransaction",
    name: "minimal",
    value: DOCS_POS_TRANSACTION,
    page: "https://docs.instacart.com/connect/api/transaction/send_pos_transaction",
  },
];

describe("request examples against the mock", () => {
  it("has request examples to send", () => {
    expect(examples.length).toBeGreaterThan(80);
  });

  it.each(DOCS_EXAMPLES)(
    "records the docs' $operationId example as the named example $name, with its page",
    ({ operationId, name, value, page }) => {
      const example = examples.find((each) => each.operationId === operationId && each.name === name);
      expect(example?.value).toEqual(value);
      expect(example?.source).toBe(page);
    },
  );

  it.each(examples)("answers 200 to the $name example of $operationId", async ({ operationId, value }) => {
    const answer = await sendToMock(operationId, value);
    expect(answer.violations).toBe("");
    expect(answer.status).toBe(200);
  });
});
