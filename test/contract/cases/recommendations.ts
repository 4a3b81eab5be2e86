import type { ContractCases } from "../harness.ts";

/** A Connect user for the front-end operations, whose user access token identifies the user. */
const USER = "johnsmith6000";

const cartBody = {
  location_code: "1234",
  cart_id: "cart-5678",
  items: [
    { line_num: "1", item: { rrc: "product1011" } },
    { line_num: "2", item: { upc: "123456789012" } },
  ],
};

export const recommendationCases: ContractCases = {
  findReplacementItemsBackend: {
    ok: (client) =>
      client.POST("/v2/recommendations/users/{user_id}/replacement_items", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { ...cartBody, max_replacement_items: 3 },
      }),
    invalid: {
      violation: "location_code",
      call: (client) =>
        client.POST("/v2/recommendations/users/{user_id}/replacement_items", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error location_code is required
          body: { items: cartBody.items },
        }),
    },
  },
  findReplacementItemsForOrderBackend: {
    ok: (client) =>
      client.POST("/v2/recommendations/users/{user_id}/orders/{order_id}/replacement_items", {
        params: { path: { user_id: "johnsmith6000", order_id: "a1b2c3" } },
        body: { max_replacement_items: 1 },
      }),
    invalid: {
      violation: "max_replacement_items",
      call: (client) =>
        client.POST("/v2/recommendations/users/{user_id}/orders/{order_id}/replacement_items", {
          params: { path: { user_id: "johnsmith6000", order_id: "a1b2c3" } },
          // @ts-expect-error max_replacement_items is an integer, not a string
          body: { max_replacement_items: "one" },
        }),
    },
  },
  findComplementaryItemsBackend: {
    ok: (client) =>
      client.POST("/v2/recommendations/users/{user_id}/complementary_items", {
        params: { path: { user_id: "johnsmith6000" } },
        body: { ...cartBody, max_complementary_items: 3 },
      }),
    invalid: {
      violation: "items",
      call: (client) =>
        client.POST("/v2/recommendations/users/{user_id}/complementary_items", {
          params: { path: { user_id: "johnsmith6000" } },
          // @ts-expect-error items is required
          body: { location_code: "1234" },
        }),
    },
  },
  findComplementaryItemsForOrderBackend: {
    ok: (client) =>
      client.POST("/v2/recommendations/users/{user_id}/orders/{order_id}/complementary_items", {
        params: { path: { user_id: "johnsmith6000", order_id: "a1b2c3" } },
        body: { max_complementary_items: 1 },
      }),
    invalid: {
      violation: "max_complementary_items",
      call: (client) =>
        client.POST("/v2/recommendations/users/{user_id}/orders/{order_id}/complementary_items", {
          params: { path: { user_id: "johnsmith6000", order_id: "a1b2c3" } },
          // @ts-expect-error max_complementary_items is an integer, not a string
          body: { max_complementary_items: "one" },
        }),
    },
  },
  findReplacementItemsFrontend: {
    user: USER,
    ok: (client) => client.POST("/v2/recommendations/replacement_items", { body: cartBody }),
    invalid: {
      violation: "'item'",
      call: (client) =>
        client.POST("/v2/recommendations/replacement_items", {
          // @ts-expect-error each line needs an item
          body: { location_code: "1234", items: [{ line_num: "1" }] },
        }),
    },
  },
  findReplacementItemsForOrderFrontend: {
    user: USER,
    ok: (client) =>
      client.POST("/v2/recommendations/orders/{order_id}/replacement_items", {
        params: { path: { order_id: "a1b2c3" } },
        body: { max_replacement_items: 1 },
      }),
    invalid: {
      violation: "max_replacement_items",
      call: (client) =>
        client.POST("/v2/recommendations/orders/{order_id}/replacement_items", {
          params: { path: { order_id: "a1b2c3" } },
          // @ts-expect-error max_replacement_items is an integer, not a string
          body: { max_replacement_items: "one" },
        }),
    },
  },
  findComplementaryItemsFrontend: {
    user: USER,
    ok: (client) => client.POST("/v2/recommendations/complementary_items", { body: cartBody }),
    invalid: {
      violation: "location_code",
      call: (client) =>
        client.POST("/v2/recommendations/complementary_items", {
          // @ts-expect-error location_code is required
          body: { items: cartBody.items },
        }),
    },
  },
  findComplementaryItemsForOrderFrontend: {
    user: USER,
    ok: (client) =>
      client.POST("/v2/recommendations/orders/{order_id}/complementary_items", {
        params: { path: { order_id: "a1b2c3" } },
        body: { max_complementary_items: 1 },
      }),
    invalid: {
      violation: "max_complementary_items",
      call: (client) =>
        client.POST("/v2/recommendations/orders/{order_id}/complementary_items", {
          params: { path: { order_id: "a1b2c3" } },
          // @ts-expect-error max_complementary_items is an integer, not a string
          body: { max_complementary_items: "one" },
        }),
    },
  },
};
