/**
 * Fulfillment part A: stores, time slots, account linking, the old last mile address operations
 * and item validation. (`createUser` and `createUserAddress` live in users.ts.)
 */
import type { ContractCases } from "../harness.ts";

export const fulfillmentShoppingCases: ContractCases = {
  // --- Stores ---
  findDeliveryStores: {
    ok: (client) =>
      client.POST("/v2/fulfillment/stores/delivery", {
        body: { find_by: { address_line_1: "50 Beale St", postal_code: "94105" } },
      }),
    invalid: {
      violation: "find_by",
      call: (client) =>
        client.POST("/v2/fulfillment/stores/delivery", {
          // @ts-expect-error coordinates need both latitude and longitude
          body: { find_by: { latitude: 37.79 } },
        }),
    },
  },
  findPickupStores: {
    ok: (client) =>
      client.POST("/v2/fulfillment/stores/pickup", {
        body: { find_by: { postal_code: "94105" } },
      }),
    invalid: {
      violation: "find_by",
      call: (client) =>
        client.POST("/v2/fulfillment/stores/pickup", {
          // @ts-expect-error find_by is required
          body: {},
        }),
    },
  },
  findLastMileStores: {
    ok: (client) =>
      client.POST("/v2/fulfillment/stores/last_mile", {
        body: { find_by: { address_line_1: "123 Main St", postal_code: "60601", city: "Chicago" } },
      }),
    invalid: {
      violation: "find_by",
      call: (client) =>
        client.POST("/v2/fulfillment/stores/last_mile", {
          // @ts-expect-error an address needs its postal_code
          body: { find_by: { address_line_1: "123 Main St", city: "Chicago" } },
        }),
    },
  },
  findDispatchLastMileStores: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/stores", {
        body: { find_by: { latitude: 41.8781, longitude: -87.6298 } },
      }),
    invalid: {
      violation: "find_by",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/stores", {
          // @ts-expect-error find_by is required
          body: { postal_code: "60601" },
        }),
    },
  },

  // --- Time slots: preview (no user) ---
  previewDeliveryServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/service_options/delivery", {
        body: { postal_code: "94105", cart_total_cents: 4599, items_count: 12, with_eta_options: true },
      }),
    invalid: {
      violation: "postal_code",
      call: (client) =>
        client.POST("/v2/fulfillment/service_options/delivery", {
          // @ts-expect-error postal_code is required
          body: { cart_total_cents: 4599 },
        }),
    },
  },
  previewPickupServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/service_options/pickup", {
        body: { location_code: "3012", cart_total_cents: 4599, items_count: 12 },
      }),
    invalid: {
      violation: "location_code",
      call: (client) =>
        client.POST("/v2/fulfillment/service_options/pickup", {
          // @ts-expect-error location_code is required
          body: { items_count: 12 },
        }),
    },
  },
  previewLastMileServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/service_options/last_mile", {
        body: { postal_code: "60601", earliest_option_start_at: "2022-11-02T10:00:00.000-05:00" },
      }),
    invalid: {
      violation: "postal_code",
      call: (client) =>
        client.POST("/v2/fulfillment/service_options/last_mile", {
          // One of location_code / postal_code is required: an if/then rule the types do not express.
          body: { cart_total_cents: 4599 } as never,
        }),
    },
  },
  listLastMileServiceOptionsLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/service_options", {
        body: { location_code: "5120", cart_total_cents: 4599, units_count: 14 },
      }),
    invalid: {
      violation: "postal_code",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/service_options", {
          // One of location_code / postal_code is required: an if/then rule the types do not express.
          body: { items_count: 8 } as never,
        }),
    },
  },

  // --- Time slots: list (per user) ---
  listDeliveryServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", {
        params: { path: { user_id: "johnsmith6000" } },
        body: {
          address: { address_line_1: "50 Beale St", postal_code: "94105" },
          items: [{ line_num: "1", count: 10, item: { upc: "00041570054161" } }],
          location_code: "3012",
          with_eta_options: true,
        },
      }),
    invalid: {
      violation: "replacement_policy",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", {
          params: { path: { user_id: "johnsmith6000" } },
          body: {
            // @ts-expect-error replacement_policy is not one of the documented values
            items: [{ line_num: "1", count: 1, replacement_policy: "any_brand", item: { upc: "00041570054161" } }],
            location_code: "3012",
          },
        }),
    },
  },
  listPickupServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/pickup", {
        params: { path: { user_id: "johnsmith6000" } },
        body: {
          location_code: "3012",
          items: [
            { line_num: "1", count: 2, item: { upc: "00041570054161" } },
            { line_num: "2", weight: 1.5, item: { rrc: "594827" } },
          ],
        },
      }),
    invalid: {
      violation: "items",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/pickup", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error items is required
          body: { location_code: "3012" },
        }),
    },
  },
  listLastMileServiceOptions: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/last_mile", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { address: { address_line_1: "123 Main St" }, location_code: "5120", cart_total_cents: 4599 },
      }),
    invalid: {
      violation: "cart_total_cents",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/cart/last_mile", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error cart_total_cents is required
          body: { address: { address_line_1: "123 Main St" }, location_code: "5120" },
        }),
    },
  },
  listCartServiceOptionsLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/cart", {
        params: { path: { user_id: "johnsmith6000" } },
        body: {
          with_eta_options: true,
          with_priority_eta_options: true,
          address: { address_line_1: "50 Beale St", postal_code: "94105" },
          items: [{ line_num: "1", count: 10, item: { upc: "00041570054161" } }],
          location_code: "3012",
        },
      }),
    invalid: {
      violation: "with_eta_options",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/cart", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error with_eta_options is a boolean
          body: { with_eta_options: "yes", location_code: "3012" },
        }),
    },
  },

  // --- Time slots: reserve ---
  reserveServiceOption: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve", {
        params: { path: { user_id: "johnsmith6000", service_option_id: 1280750203 } },
      }),
  },
  reserveDesiredWindowServiceOption: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/reserve", {
        params: { path: { user_id: "johnsmith6000" } },
        body: {
          service_option_reference:
            "eyJpZCI6MTI4MDc1MDIwMywiaG9sZF9pZCI6bnVsbCwic3RhcnRzX2F0IjoiMjAyMi0xMS0wMlQxMTowMDowMC4wMDAtMDU6MDAiLCJlbmRzX2F0IjoiMjAyMi0xMS0wMlQxMzowMDowMC4wMDAtMDU6MDAifQ==",
        },
      }),
    invalid: {
      violation: "service_option_reference",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/reserve", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error service_option_reference is required
          body: {},
        }),
    },
  },
  reservePreviewedServiceOption: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve/cart", {
        params: { path: { user_id: "johnsmith6000", service_option_id: 1280750203 } },
        body: {
          address: { address_line_1: "50 Beale St", postal_code: "94105" },
          items: [{ line_num: "1", count: 2, item: { upc: "00041570054161" } }],
          location_code: "3012",
        },
      }),
    invalid: {
      violation: "address",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve/cart", {
          params: { path: { user_id: "johnsmith6000", service_option_id: 1280750203 } },
          // @ts-expect-error address is required
          body: { items: [{ line_num: "1", count: 2, item: { upc: "00041570054161" } }] },
        }),
    },
  },
  reserveLastMileServiceOptionLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/users/{user_id}/service_options/{service_option_id}/reserve", {
        params: { path: { user_id: "johnsmith6000", service_option_id: 1280750203 } },
      }),
  },

  // --- Account linking ---
  linkInstacartAccount: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/link", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { linking_token: "linking-token-from-authorization-code-grant" },
      }),
    invalid: {
      violation: "linking_token",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/link", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error linking_token is required
          body: {},
        }),
    },
  },
  getInstacartAccountInfo: {
    ok: (client) =>
      client.GET("/v2/fulfillment/users/{user_id}/link", {
        params: { path: { user_id: "johnsmith6000" } },
      }),
  },

  // --- Users: deprecated last mile address URIs ---
  validateLastMileAddressLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/users/{user_id}/validate_address", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { address_line_1: "123 Main St", postal_code: "60601", city: "Chicago" },
      }),
    invalid: {
      violation: "address_line_1",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/users/{user_id}/validate_address", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error address_line_1 is required
          body: { postal_code: "60601" },
        }),
    },
  },
  createLastMileUserAndAddressLegacy: {
    ok: (client) =>
      client.POST("/v2/fulfillment/lastmile/validate_address", {
        body: { user_id: "johnsmith6000", address_line_1: "123 Main St", postal_code: "60601" },
      }),
    invalid: {
      violation: "user_id",
      call: (client) =>
        client.POST("/v2/fulfillment/lastmile/validate_address", {
          // @ts-expect-error user_id is required in the body of this old URI
          body: { address_line_1: "123 Main St", postal_code: "60601" },
        }),
    },
  },

  // --- Item validation ---
  validateItems: {
    ok: (client) =>
      client.POST("/v2/fulfillment/validate_items", {
        body: { location_code: "3012", items: [{ count: 2 }, { weight: 1.5 }] },
      }),
    invalid: {
      violation: "items",
      call: (client) =>
        client.POST("/v2/fulfillment/validate_items", {
          // @ts-expect-error items is required
          body: { location_code: "3012" },
        }),
    },
  },
};
