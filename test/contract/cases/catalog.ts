import type { ContractCases } from "../harness.ts";

export const catalogCases: ContractCases = {
  submitCatalogProducts: {
    ok: (client) =>
      client.POST("/v2/data_ingestion/catalog/product/submission", {
        body: {
          lookup_code: "123456789012",
          retailer_reference_code: "product1011",
          item_name: "Organic Bananas",
          organic: true,
          generated_at: "2025-01-15T14:30:00Z",
        },
      }),
    invalid: {
      violation: "organic",
      call: (client) =>
        client.POST("/v2/data_ingestion/catalog/product/submission", {
          // @ts-expect-error organic is a boolean
          body: { retailer_reference_code: "product1011", organic: "yes" },
        }),
    },
  },
  submitCatalogItems: {
    ok: (client) =>
      client.POST("/v2/data_ingestion/catalog/item/submission", {
        body: { lookup_code: "123456789012", store_identifier: "1234", available: true, balance_on_hand: 24 },
      }),
    invalid: {
      violation: "store_identifier",
      call: (client) =>
        client.POST("/v2/data_ingestion/catalog/item/submission", {
          // @ts-expect-error store_identifier is required
          body: { lookup_code: "123456789012", available: true },
        }),
    },
  },
};
