import { servers } from "../generated/operations.js";
import { ConnectConfigError } from "./errors.js";

/** A server named in the spec: `"development"` or `"production"`. */
export type ServerName = keyof typeof servers;

/** The server names, as messages list them: `"production" or "development"`. */
const names = Object.keys(servers)
  .map((name) => JSON.stringify(name))
  .join(" or ");

/** `localhost`, `[::1]` and 127.0.0.0/8 (WHATWG URL normalises IPv4 forms such as `127.1` or `0x7f.1` to dotted decimal). */
const LOOPBACK = /^(localhost|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

/** Whether a URL hostname is a loopback address (127.0.0.0/8, `localhost`, `::1`). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * Turns the `server` option into the origin (plus an optional path prefix, e.g. for a proxy) that
 * the spec's `/v2/...` paths are appended to. Accepts a server name from the spec or an absolute
 * URL. HTTPS only; plain HTTP only for loopback hosts, so a local mock works. Never guesses: an
 * unknown name or a malformed URL throws.
 */
export function resolveServer(server: unknown): string {
  if (typeof server === "string" && Object.hasOwn(servers, server)) return servers[server as ServerName];
  const refuse = (problem: string): never => {
    throw new ConnectConfigError(`\`server\` ${problem}`);
  };
  if (server === undefined || server === null || server === "") {
    refuse(`is required: ${names}, or an https:// URL (the client never falls back to production).`);
  }
  let url: URL | undefined;
  try {
    url = typeof server === "string" || server instanceof URL ? new URL(server) : undefined;
  } catch {
    // Not a URL: refused below.
  }
  if (url === undefined) {
    return refuse(`must be ${names} or an absolute URL, not ${typeof server === "string" ? JSON.stringify(server) : typeof server}.`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    refuse(`must use https: (plain HTTP only for loopback hosts: localhost, 127.0.0.0/8, ::1), not ${url.protocol}//${url.host}.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    refuse("must not contain credentials (pass clientId and clientSecret), a query or a fragment.");
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}
