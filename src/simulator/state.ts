/**
 * The simulated Instacart's memory: plain records in maps, one set per simulator (never module
 * globals), each map bounded. Handlers read and change it; the request path records what came in.
 * Field names follow the API where a record is sent back as is (stores), camelCase otherwise.
 */
import type { components } from "../../generated/schema.js";
import { apiError } from "./errors.js";

type S = components["schemas"];

/** A store of the simulated retailer (the `Store` object of the spec, plus where it is and what it serves). */
export interface SimulatorStore {
  location_code: string;
  name: string;
  flags: S["Flags"];
  /** Postal codes it serves; omitted = every postal code. */
  postal_codes?: string[];
  /** Its address (post-checkout handling details of pickup orders). */
  address?: { address_line_1: string; postal_code: string; locality?: string; administrative_area?: string; country_code?: string };
  coordinates?: { latitude: number; longitude: number };
}

export type FulfillmentKind = "delivery" | "pickup" | "last_mile" | "dispatch";
export type LineStatus = "NOT_PICKED" | "FOUND" | "REPLACED" | "TO_REFUND";
export type ReplacementStatus = "SUBSTITUTION_STATUS_UNSPECIFIED" | "PENDING" | "APPROVED" | "REJECTED";
export type ItemRef = { upc: string } | { rrc: string };

export interface SimUser {
  userId: string;
  firstName: string;
  lastName?: string | undefined;
  phoneNumber?: string | undefined;
  locale?: string | undefined;
  addresses: S["Address"][];
  /** The sandbox Instacart user linked to this Connect user. */
  linkedInstacartUser?: number | undefined;
}

export interface SimServiceOption {
  id: number;
  kind: "delivery" | "pickup" | "last_mile";
  locationCode: string | undefined;
  startsAt: number;
  endsAt: number;
  type: string;
  reference: string;
}

export interface SimHold {
  id: number;
  userId: string;
  option: SimServiceOption;
  expiresAt: number;
  /** active → used (an order took it) or replaced (the user reserved again). */
  state: "active" | "used" | "replaced";
}

export interface SimLine {
  /** The post-checkout `line_items[].id`. */
  id: string;
  lineNum: string;
  item: ItemRef | undefined;
  count: number | undefined;
  weight: number | undefined;
  specialInstructions: string | undefined;
  replacementPolicy: string | undefined;
  status: LineStatus;
  replacementStatus: ReplacementStatus;
  replacement: ItemRef | undefined;
  deliveredCount: number | undefined;
  deliveredWeight: number | undefined;
  /** Removed by an update (a later update with the same `line_num` restores it). */
  removed: boolean;
}

export interface SimChatMessage {
  id: number;
  createdAt: number;
  senderType: "user" | "driver";
  body: string;
  readAt: number | undefined;
}

export interface SimOrder {
  id: string;
  /** Instacart's own numeric id for the order (chat messages carry it). */
  internalId: number;
  userId: string | undefined;
  kind: FulfillmentKind;
  status: string;
  createdAt: number;
  locationCode: string;
  startsAt: number;
  endsAt: number;
  address: S["Address"] | undefined;
  lines: SimLine[];
  tipCents: number | undefined;
  specialInstructions: string | undefined;
  leaveUnattended: boolean;
  alcoholic: boolean;
  locale: string | undefined;
  cancellationReason: S["Order"]["cancellation_reason"];
  deliveredAt: number | undefined;
  /** When it was delivered or canceled (chat messages expire 24 hours later). */
  closedAt: number | undefined;
  /** Delivery orders show the store only once picking has started (events.md §3). */
  storeShown: boolean;
  bagsCount: number | undefined;
  bagLabel: string | undefined;
  batchIds: number[];
  vehicle: S["VehicleInfo"] | undefined;
  delegate: { name: string; phone_number: string } | undefined;
  pickupEta: string | undefined;
  arrivedAt: number | undefined;
  chat: SimChatMessage[];
  rating: S["OrderFeedbackRequest"] | undefined;
}

export type BatchType = "delivery" | "pickup" | "delivery_only" | "runner_customer";

export interface SimBatch {
  id: number;
  shopperId: number;
  type: BatchType;
  workflowState: string;
  orderIds: string[];
}

export interface SimShopper {
  id: number;
  email: string | undefined;
  phone: string | undefined;
}

export interface SimInstacartUser {
  id: number;
  email: string;
  phone: string;
  instacartplusMember: boolean;
  /** The Connect user it is linked to. */
  linkedTo: string | undefined;
}

export interface SimAuthorizationCode {
  instacartUserId: number;
  redirectUri: string;
  scope: string;
  expiresAt: number;
}

/** A map that refuses to grow past `limit` entries (503: the simulator is full, not Instacart). */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(
    readonly limit: number,
    readonly what: string,
  ) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.limit) {
      throw apiError(503, `The simulator holds at most ${this.limit} ${this.what} (option limits.maxRecords); call sim.reset()`);
    }
    return super.set(key, value);
  }
}

export interface SimState {
  stores: SimulatorStore[];
  users: BoundedMap<string, SimUser>;
  serviceOptions: BoundedMap<number, SimServiceOption>;
  holds: BoundedMap<number, SimHold>;
  orders: BoundedMap<string, SimOrder>;
  batches: BoundedMap<number, SimBatch>;
  shoppers: BoundedMap<number, SimShopper>;
  instacartUsers: BoundedMap<number, SimInstacartUser>;
  authorizationCodes: BoundedMap<string, SimAuthorizationCode>;
  /** Next value of each numeric id. */
  ids: {
    serviceOption: number;
    hold: number;
    order: number;
    batch: number;
    shopper: number;
    instacartUser: number;
    message: number;
    vehicle: number;
  };
}

const FIRST_IDS = (): SimState["ids"] => ({
  // The docs' example time slot id is 1280750203; the other starting points only need to be unique.
  serviceOption: 1_280_750_203,
  hold: 8_100_000_001,
  order: 700_000_001,
  batch: 1,
  shopper: 1,
  instacartUser: 1,
  message: 9001,
  vehicle: 123,
});

export function createState(stores: readonly SimulatorStore[], maxRecords: number): SimState {
  const bounded = <K, V>(what: string): BoundedMap<K, V> => new BoundedMap<K, V>(maxRecords, what);
  return {
    stores: stores.map((store) => structuredClone(store)),
    users: bounded("users"),
    // Time slots are listed often: keep more of them (the oldest are dropped, see service-options).
    serviceOptions: new BoundedMap<number, SimServiceOption>(maxRecords * 10, "time slots"),
    holds: bounded("holds"),
    orders: bounded("orders"),
    batches: bounded("batches"),
    shoppers: bounded("shoppers"),
    instacartUsers: bounded("Instacart users"),
    authorizationCodes: bounded("authorization codes"),
    ids: FIRST_IDS(),
  };
}

/** Forgets everything but the stores (`sim.reset()`). */
export function resetState(state: SimState): void {
  for (const map of [
    state.users,
    state.serviceOptions,
    state.holds,
    state.orders,
    state.batches,
    state.shoppers,
    state.instacartUsers,
    state.authorizationCodes,
  ]) {
    map.clear();
  }
  state.ids = FIRST_IDS();
}

export function nextId(state: SimState, kind: keyof SimState["ids"]): number {
  const id = state.ids[kind];
  state.ids[kind] = id + 1;
  return id;
}
