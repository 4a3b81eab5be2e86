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
};
