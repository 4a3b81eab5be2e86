import type { ContractCases } from "../harness.ts";

export const userCases: ContractCases = {
  createUser: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users", {
        body: { user_id: "johnsmith6000", first_name: "John", last_name: "Smith", phone_number: "+18005550100" },
      }),
    invalid: {
      violation: "first_name",
      call: (client) =>
        client.POST("/v2/fulfillment/users", {
          // @ts-expect-error first_name is required
          body: { user_id: "johnsmith6000" },
        }),
    },
  },
  createUserAddress: {
    ok: (client) =>
      client.POST("/v2/fulfillment/users/{user_id}/addresses", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { address_line_1: "123 Main St", postal_code: "60601", city: "Chicago" },
      }),
    invalid: {
      violation: "postal_code",
      call: (client) =>
        client.POST("/v2/fulfillment/users/{user_id}/addresses", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error postal_code is required
          body: { address_line_1: "123 Main St" },
        }),
    },
  },
};
