import type { ContractCases } from "../harness.ts";

const shopperOrder = { shopper_id: 21850710, order_id: "a1b2c3" };

export const sandboxCases: ContractCases = {
  generateSandboxBatch: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/batches", {
        params: { header: { "X-Treat-Ids-As-Internal": true } },
        body: { shopper_id: 21850710, batch_type: "delivery", orders: [{ id: "a1b2c3", user_id: "johnsmith6000" }] },
      }),
    invalid: {
      violation: "batch_type",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/batches", {
          // @ts-expect-error batch_type is one of delivery, pickup, delivery_only, runner_customer
          body: { shopper_id: 21850710, batch_type: "last_mile", orders: [{ id: "a1b2c3" }] },
        }),
    },
  },
  advanceSandboxBatch: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/batches/{batch_id}/advance", {
        params: { path: { batch_id: 1 } },
        body: { workflow_state: "picking" },
      }),
    invalid: {
      violation: "workflow_state",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/batches/{batch_id}/advance", {
          params: { path: { batch_id: 1 } },
          // @ts-expect-error workflow_state is a string
          body: { workflow_state: 2 },
        }),
    },
  },
  createSandboxShopper: {
    ok: (client) => client.POST("/v2/fulfillment_sandbox/shoppers", { body: { email: "shopper@example.com", phone: "8005550101" } }),
    invalid: {
      violation: "phone",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/shoppers", {
          // @ts-expect-error phone is a string
          body: { email: "shopper@example.com", phone: 8005550101 },
        }),
    },
  },
  createSandboxShopperOrderItem: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items", {
        params: { path: shopperOrder },
        body: {
          delivered_count: 10,
          item: { upc: "123456789012" },
          scans: [{ scanned_string: "123456789012", scanned_string_type: "upca" }],
        },
      }),
    invalid: {
      violation: "'item'",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items", {
          params: { path: shopperOrder },
          // @ts-expect-error item is required
          body: { delivered_count: 10 },
        }),
    },
  },
  updateSandboxShopperOrderItem: {
    ok: (client) =>
      client.PUT("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
        params: { path: { ...shopperOrder, line_num: "1" } },
        body: { delivered_count: 10, replacement_item: { rrc: "product1011" }, status: "replaced" },
      }),
    invalid: {
      violation: "status",
      call: (client) =>
        client.PUT("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
          params: { path: { ...shopperOrder, line_num: "1" } },
          // @ts-expect-error status is one of not_found, found, replaced, to_refund
          body: { delivered_count: 0, status: "refunded" },
        }),
    },
  },
  updateSandboxShopperOrderItemPost: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
        params: { path: { ...shopperOrder, line_num: "1" } },
        body: { delivered_count: 8, scans: [{ scanned_string: "1234567890123", scanned_string_type: "upca" }], status: "found" },
      }),
    invalid: {
      violation: "delivered_count",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/shoppers/{shopper_id}/orders/{order_id}/items/{line_num}", {
          params: { path: { ...shopperOrder, line_num: "1" } },
          // @ts-expect-error delivered_count is an integer, not a string
          body: { delivered_count: "eight", status: "found" },
        }),
    },
  },
  createSandboxInstacartUser: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/instacart_users", {
        body: {
          email: "kamalsingh1234@gmail.com",
          phone: "8005550101",
          password: "a-strong-password",
          instacartplus_member: true,
        },
      }),
    invalid: {
      violation: "password",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/instacart_users", {
          // @ts-expect-error password is required
          body: { email: "kamalsingh1234@gmail.com", phone: "8005550101" },
        }),
    },
  },
  authorizeSandboxInstacartUser: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/instacart_users/{user_id}/authorize", {
        params: { path: { user_id: 940626754 } },
        body: { redirect_uri: "https://example.org", scope: "openid account_linking" },
      }),
    invalid: {
      violation: "redirect_uri",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/instacart_users/{user_id}/authorize", {
          params: { path: { user_id: 940626754 } },
          // @ts-expect-error redirect_uri is required
          body: { scope: "openid account_linking" },
        }),
    },
  },
  simulateSandboxOrderCallback: {
    ok: (client) =>
      client.POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", {
        params: { path: { order_id: "a1b2c3" } },
        body: { event_name: "late_delivery" },
      }),
    invalid: {
      violation: "event_name",
      call: (client) =>
        client.POST("/v2/fulfillment_sandbox/orders/{order_id}/callbacks", {
          params: { path: { order_id: "a1b2c3" } },
          // @ts-expect-error event_name is one of canceled, rescheduled, late_delivery
          body: { event_name: "delivered" },
        }),
    },
  },
};
