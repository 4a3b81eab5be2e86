/**
 * npm start: the main job. The Connect delivery flow through the real client, each step printed:
 * token → create user → find delivery stores → list delivery time slots for the cart → reserve →
 * create delivery order → get order. Then, against the simulator, the shopper's progress through the
 * Sandbox (create shopper → generate batch → advance to completed), each event callback arriving at
 * the demo's own receiver as it happens, one sent again and de-duplicated, and the order `delivered`.
 *
 * By default it runs against `instacart-connect/simulator` (started here, stopped at the end). With
 * INSTACART_CLIENT_ID, INSTACART_CLIENT_SECRET and INSTACART_SERVER (`development` or a URL) set, it
 * runs the delivery flow against that server and cancels the order (callbacks then go to the URL of
 * the Developer Dashboard). It refuses `production` unless `--production` is given.
 */
import { randomUUID } from "node:crypto";
import { createConnectClient, unwrap, type ConnectClient } from "../src/index.ts";
import { chooseTarget, type Target } from "./lib/demo-target.ts";

const out = (text = ""): void => void process.stdout.write(`${text}\n`);
const indent = (value: unknown): string => JSON.stringify(value, null, 2).replace(/\n/g, "\n      ");
type Step = (name: string, call: string, detail: unknown) => void;

interface Placed {
  userId: string;
  orderId: string;
}

async function deliveryFlow(connect: ConnectClient, step: Step): Promise<Placed> {
  const userId = `demo-${randomUUID().slice(0, 8)}`;
  const orderId = `demo-order-${randomUUID().slice(0, 8)}`;
  const address = { address_line_1: "123 Main St", postal_code: "60601", address_type: "residential" };
  const items = [
    { line_num: "1", count: 2, item: { upc: "00041570054161" } },
    { line_num: "2", weight: 1.5, item: { upc: "00011110838926" } },
  ];
  const user = await unwrap(
    connect.POST("/v2/fulfillment/users", {
      body: { user_id: userId, first_name: "Ada", last_name: "Lovelace", phone_number: "+18005550100" },
    }),
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
    chosen: { id: option.id, window: option.window },
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
  return { userId, orderId: created.id };
}

async function getOrder(connect: ConnectClient, placed: Placed, step: Step): Promise<string> {
  const order = await unwrap(
    connect.GET("/v2/fulfillment/users/{user_id}/orders/{order_id}", {
      params: { path: { user_id: placed.userId, order_id: placed.orderId } },
    }),
  );
  const details = order.fulfillment_details;
  step("get order", `GET /v2/fulfillment/users/${placed.userId}/orders/${placed.orderId}`, {
    id: order.id,
    status: order.status,
    window: details && [details.window_starts_at, details.window_ends_at],
    ...(details?.delivered_at ? { delivered_at: details.delivered_at } : {}),
  });
  return order.status;
}

/** The shopper's side, in the simulator's Sandbox: every state change sends its callback to the demo's receiver. */
async function shopperFlow(connect: ConnectClient, placed: Placed, simulated: NonNullable<Target["simulated"]>, step: Step): Promise<void> {
  const { simulator, receiver } = simulated;
  const { id: shopperId } = await unwrap(connect.POST("/v2/fulfillment_sandbox/shoppers", { body: { email: "shopper@example.com" } }));
  step("shopper", "POST /v2/fulfillment_sandbox/shoppers", { id: shopperId });
  const batch = await unwrap(
    connect.POST("/v2/fulfillment_sandbox/batches", {
      body: { shopper_id: shopperId, batch_type: "delivery", orders: [{ id: placed.orderId }] },
    }),
  );
  step("batch", "POST /v2/fulfillment_sandbox/batches", batch);
  await simulator.settle();
  for (let state = batch.workflow_state; state !== "completed"; ) {
    state = (await unwrap(connect.POST("/v2/fulfillment_sandbox/batches/{batch_id}/advance", { params: { path: { batch_id: batch.id } } })))
      .workflow_state!;
    step("advance", `POST /v2/fulfillment_sandbox/batches/${batch.id}/advance`, { workflow_state: state });
    await simulator.settle(); // prints the callbacks this step sent, as the receiver gets them
  }
  const delivered = simulator.events.find((event) => event.eventName === "fulfillment.delivered");
  if (!delivered) throw new Error("the simulator sent no delivered event");
  step("resend", "Instacart sends a callback again (the docs: the same status can arrive more than once)", { event_id: delivered.eventId });
  simulator.resend(delivered.eventId);
  await simulator.settle();
  if (receiver.duplicates() !== 1) throw new Error("the duplicate was not acknowledged as one");
}

async function main(): Promise<void> {
  const started = Date.now();
  const target = await chooseTarget(process.argv.slice(2), process.env, out);
  out("instacart-connect demo: the Connect delivery flow through the real client");
  out(`server: ${target.label}`);
  out();
  let n = 0;
  const step: Step = (name, call, detail) => {
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
          step(
            "token",
            "POST /v2/oauth/token",
            `${grant} token for ${scope || "(no scope)"}, expires in ${expiresIn} s (cached, reused by the next calls)`,
          ),
      },
    });
    const placed = await deliveryFlow(connect, step);
    await target.simulated?.simulator.settle();
    await getOrder(connect, placed, step);
    if (target.simulated) {
      await shopperFlow(connect, placed, target.simulated, step);
      const status = await getOrder(connect, placed, step);
      if (status !== "delivered") throw new Error(`the order ended ${status}, not delivered`);
      out();
      out(`callbacks: ${target.simulated.receiver.processed.map((event) => event.event_name.replace("fulfillment.", "")).join(" → ")}`);
    } else {
      const canceled = await unwrap(
        connect.POST("/v2/fulfillment/users/{user_id}/orders/{order_id}/cancel", {
          params: { path: { user_id: placed.userId, order_id: placed.orderId } },
        }),
      );
      step("cancel", `POST /v2/fulfillment/users/${placed.userId}/orders/${placed.orderId}/cancel`, {
        id: canceled.id,
        status: canceled.status,
      });
    }
    out();
    out(`done: ${n} steps in ${Date.now() - started} ms`);
  } finally {
    if (target.simulated) {
      await target.simulated.simulator.close();
      await target.simulated.receiver.close();
      out("simulator and receiver stopped");
    }
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`demo failed: ${message}\n`);
  process.exitCode = 1;
});
