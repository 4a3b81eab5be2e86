/**
 * npm start: the main job. Starts the embedded Prism mock from the spec, runs the Connect flow
 * through the real client, prints each step, stops the mock and exits 0 (1 on any failure).
 */
import { createConnectClient } from "../src/index.ts";
import { runCallbackDemo } from "./lib/demo-events.ts";
import { startPrism, type MockServer } from "./lib/prism.ts";

const DEMO_USER = "johnsmith6000";

function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, "\n      ");
}

async function main(): Promise<void> {
  const started = Date.now();
  line("instacart-connect demo: the Connect flow against the embedded mock server");
  line();
  const prism: MockServer = await startPrism();
  line(`mock server  Prism listening on ${prism.url} (pid ${prism.pid}), started from generated/openapi.json`);
  line();
  let step = 0;
  try {
    const connect = createConnectClient({
      server: prism.url,
      clientId: "demo-client-id",
      clientSecret: "demo-client-secret",
      fetch: async (request) => {
        const response = await fetch(request);
        if (new URL(request.url).pathname === "/v2/oauth/token") {
          const token = (await response.clone().json()) as { token_type: string; expires_in: number };
          step += 1;
          line(`${step}. token        POST /v2/oauth/token → ${response.status}`);
          line(`      client-credentials ${token.token_type} token, expires in ${token.expires_in} s (cached and reused)`);
        }
        return response;
      },
    });

    const user = await connect.POST("/v2/fulfillment/users", {
      body: { user_id: DEMO_USER, first_name: "Ada", last_name: "Lovelace", phone_number: "+18005550100" },
    });
    if (!user.response.ok) throw new Error(`create user failed: ${user.response.status} ${JSON.stringify(user.error)}`);
    step += 1;
    line(`${step}. create user  POST /v2/fulfillment/users → ${user.response.status}`);
    line(`      ${show(user.data)}`);

    const address = await connect.POST("/v2/fulfillment/users/{user_id}/addresses", {
      params: { path: { user_id: DEMO_USER } },
      body: { address_line_1: "123 Main St", postal_code: "60601", city: "Chicago", address_type: "residential" },
    });
    if (!address.response.ok) {
      throw new Error(`validate address failed: ${address.response.status} ${JSON.stringify(address.error)}`);
    }
    step += 1;
    line(`${step}. address      POST /v2/fulfillment/users/${DEMO_USER}/addresses → ${address.response.status}`);
    line(`      ${show(address.data)}`);
    line();
    await runCallbackDemo(line);
    line();
    line(`done: ${step} steps in ${Date.now() - started} ms`);
  } finally {
    await prism.stop();
    line(`mock server  stopped (pid ${prism.pid})`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
