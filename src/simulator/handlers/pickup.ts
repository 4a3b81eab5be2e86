/** Curbside pickup (post-checkout.md §2.3, §2.5–§2.9): instructions, vehicle, delegate, ETA and arrival. */
import type { components } from "../../../generated/schema.js";
import { apiError, invalidRequest, notFound, SimulatedError } from "../errors.js";
import { nextId, type SimOrder } from "../state.js";
import { postCheckoutState } from "../workflows.js";
import { bodyOf, type Handler, type HandlerContext } from "./context.js";
import { customerOrder } from "./post-checkout.js";

type S = components["schemas"];

/** A pickup order of the token's user; others get "Pickup unavailable for non-pickup orders" (4001). */
function pickupOrder(context: HandlerContext): SimOrder {
  const order = customerOrder(context);
  if (order.kind !== "pickup") throw apiError(400, "Pickup unavailable for non-pickup orders", 4001);
  return order;
}

function requireDelegateIf(order: SimOrder, isDelegate: boolean | undefined): void {
  if (isDelegate === true && order.delegate === undefined) throw invalidRequest("The order has no pickup delegate");
}

const getPostCheckoutPickupDetails: Handler = (context) => {
  pickupOrder(context);
  const instruction = "Park in a numbered pickup spot and tell us you have arrived."; // the simulator's text
  return { pickup_instructions: [{ category: "curbside", instruction }] } satisfies S["PickupDetails"];
};

const createOrUpdateVehicleInfo: Handler = (context) => {
  const order = pickupOrder(context);
  const body = bodyOf<S["CreateOrUpdateVehicleInfoRequest"]>(context);
  requireDelegateIf(order, body.is_pickup_delegate);
  const previous = order.vehicle;
  const vehicle: S["VehicleInfo"] = {
    id: previous?.id ?? nextId(context.world.state, "vehicle"),
    model: body.model ?? previous?.model ?? "",
    vehicle_type: body.vehicle_type ?? previous?.vehicle_type ?? "",
    color: body.color ?? previous?.color ?? "",
  };
  const plate = body.license_plate ?? previous?.license_plate;
  if (plate !== undefined) vehicle.license_plate = plate;
  order.vehicle = vehicle;
  return { vehicle_info: vehicle } satisfies S["VehicleInfoResponse"];
};

const getVehicleInfo: Handler = (context) => {
  const order = pickupOrder(context);
  if (order.vehicle === undefined) throw notFound();
  return { vehicle_info: order.vehicle } satisfies S["VehicleInfoResponse"];
};

/** Only once the order is staged (ready for pickup); the errors are the docs' (§2.7). */
const recordCustomerArrival: Handler = (context) => {
  const order = customerOrder(context);
  if (order.kind !== "pickup") throw notFound("No pickup status found for order");
  requireDelegateIf(order, bodyOf<S["RecordCustomerArrivalRequest"]>(context).is_pickup_delegate);
  if (postCheckoutState(order) !== "ready_for_pickup") {
    throw new SimulatedError(400, {
      error: { message: "Params error", code: 2001 },
      meta: { order_delivery_id: "Order delivery is not staged." },
    });
  }
  order.arrivedAt = context.world.clock.now();
  return { success: true } satisfies S["RecordCustomerArrivalResponse"];
};

/** Curbside pickup orders that are ready for pickup and have no delegate (§2.8). */
const schedulePickup: Handler = (context) => {
  const order = pickupOrder(context);
  if (postCheckoutState(order) !== "ready_for_pickup") throw invalidRequest("The order is not ready for pickup");
  if (order.delegate !== undefined) throw invalidRequest("Scheduling a pickup is not supported for orders with a pickup delegate");
  order.pickupEta = bodyOf<S["SchedulePickupRequest"]>(context).schedule_pickup_eta;
  return {} satisfies S["SchedulePickupResponse"];
};

const createOrUpdatePickupDelegate: Handler = (context) => {
  const order = pickupOrder(context);
  order.delegate = bodyOf<S["CreateOrUpdatePickupDelegateRequest"]>(context);
  return {};
};

export const pickupHandlers: Record<string, Handler> = {
  getPostCheckoutPickupDetails,
  createOrUpdateVehicleInfo,
  getVehicleInfo,
  recordCustomerArrival,
  schedulePickup,
  createOrUpdatePickupDelegate,
};
