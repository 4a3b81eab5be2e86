import type { ContractCases } from "../harness.ts";
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from "../harness.ts";

export const authCases: ContractCases = {
  generateAccessToken: {
    ok: (client) =>
      client.POST("/v2/oauth/token", {
        body: {
          client_id: TEST_CLIENT_ID,
          client_secret: TEST_CLIENT_SECRET,
          grant_type: "client_credentials",
          scope: "connect:fulfillment",
        },
      }),
    invalid: {
      violation: "grant_type",
      call: (client) =>
        client.POST("/v2/oauth/token", {
          // @ts-expect-error grant_type is required
          body: { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET },
        }),
    },
  },
  revokeAccessToken: {
    ok: (client) =>
      client.POST("/v2/oauth/token/revoke", {
        body: { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET, token: "token-to-revoke" },
      }),
    invalid: {
      violation: "token",
      call: (client) =>
        client.POST("/v2/oauth/token/revoke", {
          // @ts-expect-error token is required
          body: { client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET },
        }),
    },
  },
};
