/**
 * The bearer token syntax of RFC 6750 §2.1 (`b64token`): what the callback handler accepts in
 * `Authorization: Bearer …`, and therefore all the token endpoint may issue.
 */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Longest token issued or accepted (Node's default header limit is 16 KiB for all headers). */
export const MAX_TOKEN_LENGTH = 4096;

/** Whether `token` can travel as `Authorization: Bearer <token>`. */
export function isB64Token(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && B64TOKEN.test(token);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | null): string | undefined {
  const token = authorization === null ? undefined : BEARER.exec(authorization)?.[1];
  return token !== undefined && token.length <= MAX_TOKEN_LENGTH ? token : undefined;
}
