/** Store lookups (fulfillment.md §4), over the simulator's seeded stores. */
import type { components } from "../../../generated/schema.js";
import type { SimulatorStore } from "../state.js";
import { bodyOf, type Handler, type HandlerContext } from "./context.js";
import { storeView } from "./views.js";

type S = components["schemas"];
type FindBy = { latitude: number; longitude: number } | { postal_code: string };

/** Stores near the place `find_by` names: by postal code served, or nearest first for coordinates. */
export function storesFor(stores: readonly SimulatorStore[], findBy: FindBy): SimulatorStore[] {
  if ("postal_code" in findBy)
    return stores.filter((store) => store.postal_codes === undefined || store.postal_codes.includes(findBy.postal_code));
  const distance = (store: SimulatorStore): number =>
    store.coordinates === undefined
      ? Number.POSITIVE_INFINITY
      : Math.hypot(store.coordinates.latitude - findBy.latitude, store.coordinates.longitude - findBy.longitude);
  return [...stores].sort((a, b) => distance(a) - distance(b));
}

/** Stores that deliver (`pickup_only` means no delivery and no last mile delivery). */
function deliveringStores(context: HandlerContext): S["StoreList"] {
  const { find_by: findBy } = bodyOf<{ find_by: FindBy }>(context);
  const stores = storesFor(context.world.state.stores, findBy).filter((store) => store.flags.pickup_only !== true);
  return { stores: stores.map(storeView), is_partial: false };
}

const findPickupStores: Handler = (context) => {
  const { find_by: findBy } = bodyOf<{ find_by: FindBy }>(context);
  const stores = storesFor(context.world.state.stores, findBy).filter((store) => store.flags.pickup === true);
  return {
    stores: stores.map((store) => ({ ...storeView(store), flags: { ...storeView(store).flags, pickup: true } })),
  } satisfies S["PickupStoreList"];
};

export const storeHandlers: Record<string, Handler> = {
  findDeliveryStores: deliveringStores,
  findPickupStores,
  findLastMileStores: deliveringStores,
  findDispatchLastMileStores: deliveringStores,
};

/** The stores a new simulator has unless `stores` is given: invented, in Chicago, serving every postal code. */
export const DEFAULT_STORES: readonly SimulatorStore[] = [
  {
    location_code: "1001",
    name: "Simulated Market Downtown",
    flags: { alcohol: true, pickup: true, pickup_only: false, long_distance_delivery: false },
    address: { address_line_1: "100 N State St", postal_code: "60602", locality: "Chicago", administrative_area: "IL", country_code: "US" },
    coordinates: { latitude: 41.8837, longitude: -87.6278 },
  },
  {
    location_code: "1002",
    name: "Simulated Market Lakeview",
    flags: { alcohol: false, pickup: true, pickup_only: false, long_distance_delivery: true },
    address: {
      address_line_1: "3000 N Clark St",
      postal_code: "60657",
      locality: "Chicago",
      administrative_area: "IL",
      country_code: "US",
    },
    coordinates: { latitude: 41.9368, longitude: -87.6483 },
  },
  {
    location_code: "1003",
    name: "Simulated Market Pickup Point",
    flags: { alcohol: false, pickup: true, pickup_only: true, long_distance_delivery: false },
    address: {
      address_line_1: "1200 S Canal St",
      postal_code: "60607",
      locality: "Chicago",
      administrative_area: "IL",
      country_code: "US",
    },
    coordinates: { latitude: 41.8666, longitude: -87.6394 },
  },
];
