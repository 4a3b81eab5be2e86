import type { ContractCases } from "../harness.ts";

export const transactionCases: ContractCases = {
  sendPosTransaction: {
    ok: (client) =>
      client.POST("/v2/retailer_transaction/pos_transactions", {
        body: {
          bin: "546683",
          last_four: "9929",
          transaction_timestamp: "2022-09-12T17:34:00Z",
          id: "12_0200_0036_4e45e940-9bf2-4bf0-bf98-ee8a40540ac3",
          store_id: "12",
          sub_total: 99.0,
          total: 100.22,
          currency_code: "USD",
          total_tax: 1.22,
          tenders: [{ type: "CREDIT_CARD", amount: 100.22, approval_processed_by_code: "RETAILER" }],
          items: [{ line_item_number: "1", bar_code: "7789048811", retailer_reference_code: "48811", quantity: 1 }],
          taxes: [{ type: "OTHER", type_other: "TotalTaxes", amount: 1.22 }],
        },
      }),
    invalid: {
      violation: "total_tax",
      call: (client) =>
        client.POST("/v2/retailer_transaction/pos_transactions", {
          // @ts-expect-error total_tax is required
          body: {
            last_four: "7890",
            transaction_timestamp: "2022-03-09T16:37:00Z",
            id: "847473",
            store_id: "4211",
            total: 12.32,
          },
        }),
    },
  },
};
