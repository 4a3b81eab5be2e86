/**
 * npm start: the main job. The Connect delivery flow through the real client, each step printed:
 * token → create user → find delivery stores → list delivery time slots for the cart → reserve →
 * create delivery order → get order → cancel; then Instacart posting an event callback to a local
 * receiver (scripts/lib/demo-events.ts).
 *
 * By default it runs against the embedded mock (Prism started from generated/openapi.json on a
 * free port, stopped at the end). With INSTACART_CLIENT_ID, INSTACART_CLIENT_SECRET and
 * INSTACART_SERVER (`development` or a URL) set, it runs the same flow against that server. It
 * refuses `production` unless `--production` is given, since it creates a real order.
 */
import { randomUUID } from "node:crypto";
import { createConnectClient, unwrap, type ConnectClient } from "../src/index.ts";
import { chooseTarget } from "./lib/demo-target.ts";
import { runCallbackDemo } from "./lib/demo-events.ts";

const out = (text = ""): void => void process.stdout.write(`${text}\n`);
const indent = (value: unknown): string => JSON.stringify(value, null, 2).replace(/\n/g, "\n      ");

async function flow(connect: ConnectClient, step: (name: string, call: string, detail: unknown) => void): Promise<void> {
  const userId = `demo-${randomUUID().slice(0, 8)}`;
  const orderId = `demo-order-${randomUUID().slice(0, 8)}`;
  const address = { address_line_1: "123 Main St", postal_code: "60601", address_type: "residential" };
  const items = [
    { line_num: "1", count: 2, item: { upc: "00041570054161" } },
    { line_num: "2", weight: 1.5, item: { upc: "00011110838926" } },
  ];

  const user = await unwrap(
    connect.POST("/v2/fulfillment/users", { body: { user_id: userId, first_name: "Ada", last_name: "Lovelace", phone_number: "+18005550100" } }),
  );
  step("create user", "POST /v2/fulfillment/users", user);

  const { stores = [] } = await unwrap(connect.POST("/v2/fulfillment/stores/delivery", { body: { find_by: address } }));
  const store = stores.find((s) => s.flags.pickup_only !== true) ?? stores[0];
  if (!store) throw new Error("no store delivers to this address");
  step("find stores", "POST /v2/fulfillment/stores/delivery", { stores: stores.length, chosen: store });

  const { service_options: options } = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/cart/delivery", {
      params: { path: { user_id: userId } },
      body: { address, items, location_code: store.location_code },
    }),
  );
  const option = options.find((o) => o.availability.available) ?? options[0];
  if (!option) throw new Error("no delivery time slot is available");
  step("time slots", `POST /v2/fulfillment/users/${userId}/service_options/cart/delivery`, {
    options: options.length,
    chosen: { id: option.id, date: option.date, window: option.window },
  });

  const { service_option_hold: hold } = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/service_options/{service_option_id}/reserve", {
      params: { path: { user_id: userId, service_option_id: option.id } },
    }),
  );
  step("reserve", `POST /v2/fulfillment/users/${userId}/service_options/${option.id}/reserve`, {
    hold_id: hold.id,
    expires_at: hold.expires_at,
  });

  const created = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/orders/delivery", {
      params: { path: { user_id: userId } },
      body: {
        order_id: orderId,
        service_option_hold_id: hold.id,
        location_code: store.location_code,
        initial_tip_cents: 500,
        address,
        items,
        user: { phone_number: "+18005550100" },
      },
    }),
  );
  step("create order", `POST /v2/fulfillment/users/${userId}/orders/delivery`, { id: created.id, status: created.status });

  const order = await unwrap(
    connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", { params: { path: { user_id: userId, order_id: created.id } } }),
  );
  step("get order", `GET /v2/fulfillment/users/${userId}/orders/${created.id}`, {
    id: order.id,
    status: order.status,
    window: order.fulfillment_details && [order.fulfillment_details.window_starts_at, order.fulfillment_details.window_ends_at],
  });

  const canceled = await unwrap(
    connect.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/cancel", { params: { path: { user_id: userId, order_id: created.id } } }),
  );
  step("cancel", `POST /v2/fulfillment/users/${userId}/orders/${created.id}/cancel`, {
    id: canceled.id,
    status: canceled.status,
    cancellation_reason: canceled.cancellation_reason,
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const target = await chooseTarget(process.argv.slice(2), process.env);
  out("instacart-connect demo: the Connect delivery flow through the real client");
  out(`server: ${target.label}`);
  out();
  let n = 0;
  const step = (name: string, call: string, detail: unknown): void => {
    n += 1;
    out(`${String(n).padStart(2)}. ${name.padEnd(13)}${call}`);
    out(`      ${indent(detail)}`);
  };
  try {
    const connect = createConnectClient({
      server: target.server,
      clientId: target.clientId,
      clientSecret: target.clientSecret,
      hooks: {
        onTokenRefresh: ({ grant, scope, expiresIn }) =>
          step("token", "POST /v2/oauth/token", `${grant} token for ${scope || "(no scope)"}, expires in ${expiresIn} s (cached, reused by the next calls)`),
      },
    });
    await flow(connect, step);
    out();
    await runCallbackDemo(out);
    out();
    out(`done: ${n} steps in ${Date.now() - started} ms`);
  } finally {
    if (target.mock) {
      await target.mock.stop();
      out(`mock server stopped (pid ${target.mock.pid})`);
    }
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`demo failed: ${message}\n`);
  process.exitCode = 1;
});
