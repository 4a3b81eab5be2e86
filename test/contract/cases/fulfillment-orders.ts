import type { ContractCases } from "../harness.ts";

const user_id = "johnsmith6000";
const order_id = "order-20261127-0001";

const address = { address_line_1: "123 Main St", postal_code: "60601" };
const items = [
  { line_num: "1", count: 2, item: { upc: "012345678905" } },
  { line_num: "2", weight: 1.5, item: { rrc: "594827" }, replacement_policy: "no_replacements" as const },
];
/** A copy of `object` without `key`: a request that leaves out a required field. */
function without<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

const lastMileOrder = {
  order_id: "lmd-20261127-0003",
  location_code: "5432",
  service_option_hold_id: 246813600,
  first_name: "John",
  last_name: "Smith",
  user_phone: "+18005550100",
  items_count: 12,
  items_weight: 18.5,
};
const dispatchOrder = {
  order_id: "dispatch-20261127-0004",
  location_code: "5432",
  start_at: "2026-11-27T17:00:00-06:00",
  first_name: "John",
  last_name: "Smith",
  user_phone: "+18005550100",
  items_count: 12,
  items_weight: 18.5,
};

export const fulfillmentOrderCases: ContractCases = {
  // --- Orders ---
  createDeliveryOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
        params: { path: { user_id } },
        body: {
          order_id,
          service_option_hold_id: 246813579,
          initial_tip_cents: 500,
          user: { phone_number: "+18005550100", birthday: "1990-01-31" },
          address,
          items,
        },
      }),
    invalid: {
      violation: "address",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
          params: { path: { user_id } },
          // @ts-expect-error address is required
          body: { order_id, service_option_hold_id: 246813579, items },
        }),
    },
  },
  createPickupOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/orders/pickup", {
        params: { path: { user_id } },
        body: { order_id: "order-20261127-0002", service_option_hold_id: 246813581, location_code: "5432", items },
      }),
    invalid: {
      violation: "location_code",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/orders/pickup", {
          params: { path: { user_id } },
          // @ts-expect-error location_code is required for pickup orders
          body: { order_id: "order-20261127-0002", service_option_hold_id: 246813581, items },
        }),
    },
  },
  getOrder: {
    ok: (client) => client.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id, order_id } } }),
  },
  listOrders: {
    ok: (client) => client.GET("/v2/fulfillment/users/{user_id}/orders", { params: { path: { user_id } } }),
  },
  updateOrder: {
    ok: (client) =>
      client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
        params: { path: { user_id, order_id } },
        body: { initial_tip_cents: 700, items: [{ line_num: "1", count: 3, item: { upc: "012345678905" } }] },
      }),
    invalid: {
      violation: "initial_tip_cents",
      call: (client) =>
        client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
          params: { path: { user_id, order_id } },
          // @ts-expect-error initial_tip_cents is required on update
          body: { items },
        }),
    },
  },
  updateOrderTip: {
    ok: (client) =>
      client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/tip", {
        params: { path: { user_id, order_id } },
        body: { tip_amount_cents: 1000 },
      }),
    invalid: {
      violation: "tip_amount_cents",
      call: (client) =>
        client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/tip", {
          params: { path: { user_id, order_id } },
          // @ts-expect-error tip_amount_cents is required
          body: {},
        }),
    },
  },
  setItemReplacements: {
    ok: (client) =>
      client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/replacement_selections", {
        params: { path: { user_id, order_id } },
        body: {
          selections: [
            { line_num: "1", count: 2 },
            { line_num: "2", weight: 1.5 },
          ],
        },
      }),
    invalid: {
      violation: "selections",
      call: (client) =>
        client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/replacement_selections", {
          params: { path: { user_id, order_id } },
          // @ts-expect-error selections is required
          body: {},
        }),
    },
  },
  cancelOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/cancel", {
        params: { path: { user_id, order_id } },
      }),
  },

  // --- Last mile delivery ---
  createLastMileOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/orders/last_mile", {
        params: { path: { user_id } },
        body: { ...lastMileOrder, bags_count: 3, bag_label: "SMITH-3", with_handoff_time: true },
      }),
    invalid: {
      violation: "user_phone",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/orders/last_mile", {
          params: { path: { user_id } },
          // @ts-expect-error user_phone is required
          body: without(lastMileOrder, "user_phone"),
        }),
    },
  },
  createLastMileOrderLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/users/{user_id}/orders", {
        params: { path: { user_id } },
        body: lastMileOrder,
      }),
    invalid: {
      violation: "items_weight",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/users/{user_id}/orders", {
          params: { path: { user_id } },
          // @ts-expect-error items_weight is required
          body: without(lastMileOrder, "items_weight"),
        }),
    },
  },
  updateLastMileOrder: {
    ok: (client) =>
      client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/last_mile", {
        params: { path: { user_id, order_id: "lmd-20261127-0003" } },
        body: { items_count: 14, bags_count: 4, items_weight: 21 },
      }),
    invalid: {
      violation: "items_count",
      call: (client) =>
        client.PUT("/v2/fulfillment/users/{user_id}/orders/{order_id}/last_mile", {
          params: { path: { user_id, order_id: "lmd-20261127-0003" } },
          // @ts-expect-error items_count is an integer, not a string
          body: { items_count: "fourteen" },
        }),
    },
  },
  stageLastMileOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/staged", {
        params: { path: { user_id, order_id: "lmd-20261127-0003" } },
        body: { bags_count: 2, bag_scan_codes: ["400012345671", "400012345688"] },
      }),
    invalid: {
      violation: "bag_scan_codes",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/staged", {
          params: { path: { user_id, order_id: "lmd-20261127-0003" } },
          // @ts-expect-error bag_scan_codes is an array of strings
          body: { bag_scan_codes: "400012345671" },
        }),
    },
  },
  // --- Dispatch last mile delivery ---
  createDispatchLastMileOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/orders", {
        body: { ...dispatchOrder, end_at: "2026-11-27T18:00:00-06:00", fallback_to_soonest_sameday: true },
      }),
    invalid: {
      violation: "start_at",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/orders", {
          // @ts-expect-error start_at is required
          body: without(dispatchOrder, "start_at"),
        }),
    },
  },
  getDispatchLastMileOrder: {
    ok: (client) =>
      client.GET("/v2/fulfillment/lastmile/orders/{order_id}", {
        params: { path: { order_id: "dispatch-20261127-0004" }, query: { user_id } },
      }),
  },
  updateDispatchLastMileOrder: {
    ok: (client) =>
      client.PUT("/v2/fulfillment/lastmile/orders/{order_id}", {
        params: { path: { order_id: "dispatch-20261127-0004" } },
        body: { start_at: "2026-11-27T18:00:00-06:00", end_at: "2026-11-27T19:00:00-06:00", items_count: 14 },
      }),
    invalid: {
      // A new window needs both ends (`dependentRequired`), a rule the generated types cannot express.
      violation: "end_at",
      call: (client) =>
        client.PUT("/v2/fulfillment/lastmile/orders/{order_id}", {
          params: { path: { order_id: "dispatch-20261127-0004" } },
          body: { start_at: "2026-11-27T18:00:00-06:00" } as never,
        }),
    },
  },
  stageDispatchLastMileOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/orders/{order_id}/staged", {
        params: { path: { order_id: "dispatch-20261127-0004" } },
        body: { items_count: 8, bags_count: 2, items_weight: 12.5, bag_label: "A-17" },
      }),
    invalid: {
      violation: "bags_count",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/orders/{order_id}/staged", {
          params: { path: { order_id: "dispatch-20261127-0004" } },
          // @ts-expect-error bags_count is an integer, not a string
          body: { bags_count: "two" },
        }),
    },
  },
  cancelDispatchLastMileOrder: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/orders/{order_id}/cancel", {
        params: { path: { order_id: "dispatch-20261127-0004" } },
        body: { user_id },
      }),
    invalid: {
      violation: "user_id",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/orders/{order_id}/cancel", {
          params: { path: { order_id: "dispatch-20261127-0004" } },
          // @ts-expect-error user_id is a string
          body: { user_id: 6000 },
        }),
    },
  },

  // --- Order feedback ---
  createOrUpdateOrderFeedback: {
    ok: (client) =>
      client.POST("/v2/feedback/users/{user_id}/orders/{order_id}/rating", {
        params: { path: { user_id, order_id } },
        body: { rating_value: "STARS5", highlights: ["QUALITY_ITEMS", "SMOOTH_DELIVERY"], thank_you_note: "Thanks!" },
      }),
    invalid: {
      violation: "rating_value",
      call: (client) =>
        client.POST("/v2/feedback/users/{user_id}/orders/{order_id}/rating", {
          params: { path: { user_id, order_id } },
          // @ts-expect-error STARS6 is not a rating value
          body: { rating_value: "STARS6" },
        }),
    },
  },
  createOrUpdateOrderFeedbackFrontend: {
    user: "johnsmith6000",
    ok: (client) =>
      client.POST("/v2/feedback/orders/{order_id}/rating", {
        params: { path: { order_id } },
        body: { rating_value: "STARS4", highlights: ["FAST_PICKUP", "EASY_PARKING"] },
      }),
    invalid: {
      violation: "highlights",
      call: (client) =>
        client.POST("/v2/feedback/orders/{order_id}/rating", {
          params: { path: { order_id } },
          // @ts-expect-error FAST_DELIVERY is not a documented highlight
          body: { rating_value: "STARS4", highlights: ["FAST_DELIVERY"] },
        }),
    },
  },
};
