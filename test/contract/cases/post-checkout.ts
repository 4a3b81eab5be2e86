import type { ContractCases } from "../harness.ts";

/** Post-checkout operations are front-end calls: user access tokens bound to this Connect user. */
const user = "johnsmith6000";
const order = { order_id: "123456789" };

export const postCheckoutCases: ContractCases = {
  getPostCheckoutOrder: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}", { params: { path: order } }),
  },
  getPostCheckoutOrderHandling: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}/handling", { params: { path: order } }),
  },
  getPostCheckoutOrderLocation: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}/location", { params: { path: order } }),
  },
  getOrderMessages: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}/order_messages", { params: { path: order } }),
  },
  getPostCheckoutPickupDetails: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}/pickup/details", { params: { path: order } }),
  },
  createOrUpdateVehicleInfo: {
    user,
    ok: (client) =>
      client.PUT("/v2/post_checkout/orders/{order_id}/pickup/vehicle_info", {
        params: { path: order },
        body: { model: "SomeCarModel", vehicle_type: "sedan", license_plate: "F4K3L1C3NC3", color: "silver" },
      }),
    invalid: {
      violation: "vehicle_type",
      call: (client) =>
        client.PUT("/v2/post_checkout/orders/{order_id}/pickup/vehicle_info", {
          params: { path: order },
          // @ts-expect-error "convertible" is not one of the documented vehicle types
          body: { model: "SomeCarModel", vehicle_type: "convertible", color: "silver" },
        }),
    },
  },
  getVehicleInfo: {
    user,
    ok: (client) => client.GET("/v2/post_checkout/orders/{order_id}/pickup/vehicle_info", { params: { path: order } }),
  },
  recordCustomerArrival: {
    user,
    ok: (client) =>
      client.POST("/v2/post_checkout/orders/{order_id}/pickup/user_arrived", {
        params: { path: order },
        body: { is_pickup_delegate: true },
      }),
    invalid: {
      violation: "is_pickup_delegate",
      call: (client) =>
        client.POST("/v2/post_checkout/orders/{order_id}/pickup/user_arrived", {
          params: { path: order },
          // @ts-expect-error is_pickup_delegate is a boolean
          body: { is_pickup_delegate: "yes" },
        }),
    },
  },
  schedulePickup: {
    user,
    ok: (client) =>
      client.POST("/v2/post_checkout/orders/{order_id}/pickup/schedule_pickup", {
        params: { path: order },
        body: { schedule_pickup_eta: "2026-11-27T17:20:00Z" },
      }),
    invalid: {
      violation: "schedule_pickup_eta",
      call: (client) =>
        client.POST("/v2/post_checkout/orders/{order_id}/pickup/schedule_pickup", {
          params: { path: order },
          // @ts-expect-error schedule_pickup_eta is required
          body: {},
        }),
    },
  },
  createOrUpdatePickupDelegate: {
    user,
    ok: (client) =>
      client.PUT("/v2/post_checkout/orders/{order_id}/pickup_delegate", {
        params: { path: order },
        body: { name: "Jane Smith", phone_number: "+18005550199" },
      }),
    invalid: {
      violation: "phone_number",
      call: (client) =>
        client.PUT("/v2/post_checkout/orders/{order_id}/pickup_delegate", {
          params: { path: order },
          // @ts-expect-error phone_number is required
          body: { name: "Jane Smith" },
        }),
    },
  },
  getPostCheckoutOrderItems: {
    user,
    ok: (client) =>
      client.GET("/v2/post_checkout/orders/{order_id}/items", {
        params: { path: order, header: { "X-Treat-Ids-As-Internal": true } },
      }),
  },
  handleOrderItemReplacement: {
    user,
    ok: (client) =>
      client.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
        params: { path: { ...order, order_item_id: "asdfghjkl" } },
        body: { status: "REJECTED", alternative_item: { upc: "00041570054161", count: 1 } },
      }),
    invalid: {
      violation: "status",
      call: (client) =>
        client.PUT("/v2/post_checkout/orders/{order_id}/items/{order_item_id}/replacement", {
          params: { path: { ...order, order_item_id: "asdfghjkl" } },
          // @ts-expect-error PENDING is a replacement_status, not an answer: status is APPROVED or REJECTED
          body: { status: "PENDING" },
        }),
    },
  },
  getChatMessages: {
    user,
    ok: (client) =>
      client.GET("/v2/post_checkout/chat/{order_id}/messages", {
        params: { path: order, header: { "X-Treat-Ids-As-Internal": true } },
      }),
  },
  sendChatMessage: {
    user,
    ok: (client) =>
      client.POST("/v2/post_checkout/chat/{order_id}/messages", {
        params: { path: order },
        body: { body: "Yes, 2% is fine. Thanks!" },
      }),
    invalid: {
      // The field is called `body`, a word every request-body violation contains: match Prism's
      // "must have required property 'body'" so that the check names the field for real.
      violation: "required property 'body'",
      call: (client) =>
        client.POST("/v2/post_checkout/chat/{order_id}/messages", {
          params: { path: order },
          // @ts-expect-error body (the message text) is required
          body: {},
        }),
    },
  },
  markChatMessagesAsRead: {
    user,
    ok: (client) =>
      client.PUT("/v2/post_checkout/chat/{order_id}/messages", {
        params: { path: order, header: { "X-Treat-Ids-As-Internal": true } },
      }),
  },
};
