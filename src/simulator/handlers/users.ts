/** Connect users, their addresses and account linking (fulfillment.md §6). */
import type { components } from "../../../generated/schema.js";
import { invalidParameter } from "../errors.js";
import type { SimUser } from "../state.js";
import { bodyOf, param, type Handler, type HandlerContext } from "./context.js";

type S = components["schemas"];

/** Creates the user, or updates it (no update-user endpoint is documented; a second create overwrites). */
const createUser: Handler = (context) => {
  const { world } = context;
  const body = bodyOf<S["CreateUserRequest"]>(context);
  const existing = world.state.users.get(body.user_id);
  const user: SimUser = {
    userId: body.user_id,
    firstName: body.first_name,
    lastName: body.last_name,
    phoneNumber: body.phone_number,
    locale: body.locale,
    addresses: existing?.addresses ?? [],
    linkedInstacartUser: existing?.linkedInstacartUser,
  };
  world.state.users.set(user.userId, user);
  const answer: S["User"] = { user_id: user.userId, first_name: user.firstName };
  if (user.lastName !== undefined) answer.last_name = user.lastName;
  if (user.phoneNumber !== undefined) answer.phone_number = user.phoneNumber;
  return answer;
};

interface AddressBody {
  address_line_1: string;
  address_line_2?: string;
  address_type?: string;
  postal_code: string;
  first_name?: string;
  last_name?: string;
  phone_number?: string;
  locale?: string;
}

/**
 * Attaches a validated address to the user, creating the user if needed (the docs: "If the user
 * already exists, the address is validated and attached"). The simulator serves every address.
 */
function attachAddress(context: HandlerContext, userId: string, body: AddressBody): S["ValidatedAddress"] {
  const { users } = context.world.state;
  const user: SimUser = users.get(userId) ?? { userId, firstName: body.first_name ?? "", addresses: [] };
  if (body.first_name !== undefined) user.firstName = body.first_name;
  if (body.last_name !== undefined) user.lastName = body.last_name;
  if (body.phone_number !== undefined) user.phoneNumber = body.phone_number;
  if (body.locale !== undefined) user.locale = body.locale;
  const address: S["Address"] = { address_line_1: body.address_line_1, postal_code: body.postal_code };
  if (body.address_line_2 !== undefined) address.address_line_2 = body.address_line_2;
  if (body.address_type !== undefined) address.address_type = body.address_type;
  user.addresses.push(address);
  if (user.addresses.length > 20) user.addresses.shift();
  users.set(userId, user);
  return {
    address_line_1: address.address_line_1,
    postal_code: address.postal_code,
    flags: { long_distance_delivery: false },
    user_id: userId,
  };
}

const createUserAddress: Handler = (context) => attachAddress(context, param(context, "user_id"), bodyOf<AddressBody>(context));
const validateLastMileAddressLegacy: Handler = createUserAddress;
const createLastMileUserAndAddressLegacy: Handler = (context) => {
  const body = bodyOf<AddressBody & { user_id: string }>(context);
  return attachAddress(context, body.user_id, body);
};

/** Links the Connect user to the sandbox Instacart user of a linking token (errors: fulfillment.md §6.3). */
const linkInstacartAccount: Handler = (context) => {
  const { world } = context;
  const user = world.state.users.get(param(context, "user_id"));
  if (user === undefined) throw invalidParameter("user_id", "User Not Found");
  const token = world.oauth.linkingToken(bodyOf<S["LinkInstacartAccountRequest"]>(context).linking_token);
  const instacartUser = token?.instacartUserId === undefined ? undefined : world.state.instacartUsers.get(token.instacartUserId);
  if (instacartUser === undefined) throw invalidParameter("linking_token", "Linking token is invalid");
  if (instacartUser.linkedTo !== undefined && instacartUser.linkedTo !== user.userId) {
    throw invalidParameter("linking_token", "Validation failed: Common identities can only have one user per isolation context");
  }
  instacartUser.linkedTo = user.userId;
  user.linkedInstacartUser = instacartUser.id;
  return { success: true } satisfies S["LinkInstacartAccountResponse"];
};

/** Instacart+ membership of the linked account (fulfillment.md §6.4); members get a 30-day expiry (simulator's). */
const getInstacartAccountInfo: Handler = (context) => {
  const { world } = context;
  const user = world.state.users.get(param(context, "user_id"));
  if (user === undefined) throw invalidParameter("user_id", "User Not Found");
  const linked = user.linkedInstacartUser === undefined ? undefined : world.state.instacartUsers.get(user.linkedInstacartUser);
  if (linked === undefined) throw invalidParameter("user_id", "User Not Linked");
  const answer: S["InstacartAccountInfo"] = { instacartplus_member: linked.instacartplusMember };
  if (linked.instacartplusMember) answer.expired_at = new Date(world.clock.now() + 30 * 86_400_000).toISOString();
  return answer;
};

export const userHandlers: Record<string, Handler> = {
  createUser,
  createUserAddress,
  validateLastMileAddressLegacy,
  createLastMileUserAndAddressLegacy,
  linkInstacartAccount,
  getInstacartAccountInfo,
};
