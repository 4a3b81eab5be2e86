/** The two OAuth endpoints (auth.md §1–§2); the rules live in ../auth.ts. */
import type { components } from "../../../generated/schema.js";
import { bodyOf, type Handler } from "./context.js";

type S = components["schemas"];

export const oauthHandlers: Record<string, Handler> = {
  generateAccessToken: (context) =>
    context.world.oauth.issue(bodyOf<S["AccessTokenRequest"]>(context), context.world.state.authorizationCodes),
  revokeAccessToken: (context) => {
    context.world.oauth.revoke(bodyOf<S["RevokeTokenRequest"]>(context));
    return {};
  },
};
