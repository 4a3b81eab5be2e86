/** Bearer tokens: what `Authorization: Bearer <token>` can carry. */

/** Visible ASCII: no spaces, controls or line breaks (a line break would let a token inject a header). */
const BEARER_TOKEN = /^[\x21-\x7e]+$/;

/** Whether a token can be sent as `Authorization: Bearer <token>`. */
export function isSendableToken(token: unknown): token is string {
  return typeof token === "string" && BEARER_TOKEN.test(token);
}
