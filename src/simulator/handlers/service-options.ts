/**
 * Time slots (fulfillment.md §5, §7): generated from the simulated clock, kept so that they can be
 * reserved, and holds that last 10 minutes, one per user (reserving again replaces the previous hold).
 * The slot pattern is the simulator's: for the next two days, 2-hour delivery windows and 1-hour
 * pickup and last mile windows between 08:00 and 20:00 UTC, starting at least an hour from now; ETA
 * and priority-ETA options on request; exactly the desired windows when some are asked for.
 */
import type { components } from "../../../generated/schema.js";
import { invalidParameter } from "../errors.js";
import { nextId, type SimHold, type SimServiceOption } from "../state.js";
import { bodyOf, param, type Handler, type HandlerContext, type World } from "./context.js";
import { requireStore, requireUser, serviceOptionView } from "./views.js";

type S = components["schemas"];
type Kind = SimServiceOption["kind"];

const HOUR = 3_600_000;
/** A hold lasts 10 minutes (fulfillment.md §7.5). */
export const HOLD_MS = 10 * 60_000;
const MAX_OPTIONS = 12;

interface SlotRequest {
  location_code?: string;
  postal_code?: string;
  with_eta_options?: boolean;
  with_priority_eta_options?: boolean;
  desired_windows?: S["DesiredWindow"][];
  earliest_option_start_at?: string;
}

/** `service_option_reference`: Base64 of JSON, as the docs' example decodes (treated as opaque by clients). */
function reference(id: number, startsAt: number, endsAt: number): string {
  const json = JSON.stringify({ id, hold_id: null, starts_at: new Date(startsAt).toISOString(), ends_at: new Date(endsAt).toISOString() });
  return btoa(json);
}

function keep(
  world: World,
  kind: Kind,
  locationCode: string | undefined,
  startsAt: number,
  endsAt: number,
  type: string,
): SimServiceOption {
  const { serviceOptions } = world.state;
  // Listing is frequent: drop the oldest slots instead of refusing when the map is full.
  while (serviceOptions.size >= serviceOptions.limit) serviceOptions.delete(serviceOptions.keys().next().value as number);
  const id = nextId(world.state, "serviceOption");
  const option: SimServiceOption = { id, kind, locationCode, startsAt, endsAt, type, reference: reference(id, startsAt, endsAt) };
  serviceOptions.set(id, option);
  return option;
}

function scheduledWindows(now: number, length: number, earliest: number): [number, number][] {
  const windows: [number, number][] = [];
  const midnight = Math.floor(now / (24 * HOUR)) * 24 * HOUR;
  for (let start = midnight + 8 * HOUR; windows.length < MAX_OPTIONS && start < midnight + 3 * 24 * HOUR; start += length) {
    const hour = new Date(start).getUTCHours();
    if (hour < 8 || hour + length / HOUR > 20) continue;
    if (start >= Math.max(now + HOUR, earliest)) windows.push([start, start + length]);
  }
  return windows;
}

export function generateOptions(world: World, kind: Kind, locationCode: string | undefined, request: SlotRequest): SimServiceOption[] {
  const now = world.clock.now();
  if (request.desired_windows && request.desired_windows.length > 0) {
    return request.desired_windows.map((window) => {
      const startsAt = window.starts_at ? Date.parse(window.starts_at) : now + HOUR;
      const endsAt = window.ends_at ? Date.parse(window.ends_at) : startsAt + 2 * HOUR;
      return keep(world, kind, locationCode, startsAt, endsAt, "scheduled");
    });
  }
  const options: SimServiceOption[] = [];
  const minute = Math.ceil(now / 60_000) * 60_000;
  if (request.with_priority_eta_options)
    options.push(keep(world, kind, locationCode, minute + 30 * 60_000, minute + 60 * 60_000, "priority_eta"));
  if (request.with_eta_options) options.push(keep(world, kind, locationCode, minute + HOUR, minute + 2 * HOUR, "eta"));
  const earliest = request.earliest_option_start_at ? Date.parse(request.earliest_option_start_at) : 0;
  for (const [startsAt, endsAt] of scheduledWindows(now, kind === "delivery" ? 2 * HOUR : HOUR, earliest)) {
    options.push(keep(world, kind, locationCode, startsAt, endsAt, "scheduled"));
  }
  return options;
}

/** A handler listing slots of `kind`; `user` when the path names a user, `store` when a store must be known. */
function lister(kind: Kind, user: boolean): Handler {
  return (context) => {
    const request = bodyOf<SlotRequest>(context);
    if (user) requireUser(context.world, param(context, "user_id"));
    const locationCode = request.location_code;
    if (locationCode !== undefined) requireStore(context.world, locationCode);
    return {
      service_options: generateOptions(context.world, kind, locationCode, request).map(serviceOptionView),
    } satisfies S["ServiceOptionList"];
  };
}

/** Reserves `option` for the user: a new 10-minute hold, and the user's previous hold is replaced. */
export function reserve(world: World, userId: string, option: SimServiceOption): S["ServiceOptionHoldResponse"] {
  const now = world.clock.now();
  if (option.startsAt <= now) throw invalidParameter("service_option_id", "Service option is no longer available");
  for (const hold of world.state.holds.values()) if (hold.userId === userId && hold.state === "active") hold.state = "replaced";
  const hold: SimHold = { id: nextId(world.state, "hold"), userId, option, expiresAt: now + HOLD_MS, state: "active" };
  world.state.holds.set(hold.id, hold);
  return {
    service_option_hold: { id: hold.id, expires_at: new Date(hold.expiresAt).toISOString(), service_option: serviceOptionView(option) },
  };
}

function reserveById(context: HandlerContext): S["ServiceOptionHoldResponse"] {
  const userId = param(context, "user_id");
  requireUser(context.world, userId);
  const option = context.world.state.serviceOptions.get(Number(context.params.service_option_id));
  if (option === undefined) throw invalidParameter("service_option_id", "Service option not found");
  return reserve(context.world, userId, option);
}

const reserveDesiredWindowServiceOption: Handler = (context) => {
  const userId = param(context, "user_id");
  requireUser(context.world, userId);
  const given = bodyOf<S["ReserveDesiredWindowServiceOptionRequest"]>(context).service_option_reference;
  const option = [...context.world.state.serviceOptions.values()].find((candidate) => candidate.reference === given);
  if (option === undefined) throw invalidParameter("service_option_reference", "is invalid");
  return reserve(context.world, userId, option);
};

export const serviceOptionHandlers: Record<string, Handler> = {
  previewDeliveryServiceOptions: lister("delivery", false),
  previewPickupServiceOptions: lister("pickup", false),
  previewLastMileServiceOptions: lister("last_mile", false),
  listLastMileServiceOptionsLegacy: lister("last_mile", false),
  listDeliveryServiceOptions: lister("delivery", true),
  listPickupServiceOptions: lister("pickup", true),
  listLastMileServiceOptions: lister("last_mile", true),
  listCartServiceOptionsLegacy: lister("delivery", true),
  reserveServiceOption: reserveById,
  reserveDesiredWindowServiceOption,
  reservePreviewedServiceOption: reserveById,
  reserveLastMileServiceOptionLegacy: reserveById,
};
