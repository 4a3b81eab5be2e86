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
};
