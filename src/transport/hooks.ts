/** The hooks of a client (for logging and metrics), what they are told, and how they are called. */
import { messageOf, type CallTarget, type ConnectError } from "../errors.js";
import { emitWarning } from "../warnings.js";

/** Headers as a hook sees them: `Authorization` redacted. */
export type RedactedHeaders = Readonly<Record<string, string>>;

export interface RequestHookInfo extends CallTarget {
  readonly url: string;
  readonly attempt: number;
  readonly headers: RedactedHeaders;
}

export interface ResponseHookInfo extends RequestHookInfo {
  readonly status: number;
  /** Milliseconds from sending the attempt to the end of its body. */
  readonly duration: number;
  readonly responseHeaders: RedactedHeaders;
}

export interface RetryHookInfo extends CallTarget {
  readonly url: string;
  /** The attempt that failed (1-based). */
  readonly attempt: number;
  /** Milliseconds until the next attempt. */
  readonly delay: number;
  /** Why: the status that is retried, or the error. */
  readonly status: number | undefined;
  readonly error: ConnectError | undefined;
}

export interface TransportHooks {
  onRequest?: ((info: RequestHookInfo) => void) | undefined;
  onResponse?: ((info: ResponseHookInfo) => void) | undefined;
  onRetry?: ((info: RetryHookInfo) => void) | undefined;
}

/** Headers as a plain object, with the credentials of `Authorization` (and `Proxy-Authorization`) redacted. */
export function redactHeaders(headers: Headers): RedactedHeaders {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    // The scheme (`Bearer`) stays; the credentials go.
    out[name] = name === "authorization" || name === "proxy-authorization" ? value.replace(/^(\w+\s)?.*/s, "$1[redacted]") : value;
  });
  return out;
}

/** Reports an error thrown by a hook (or `onDeprecation`) without breaking the call, scrubbed of secrets. */
export type HookErrorReporter = (hook: string, error: unknown) => void;

/** A reporter that prints a process warning. */
export function warnHookError(redact: (text: string) => string): HookErrorReporter {
  return (hook, error) => {
    emitWarning(`instacart-connect: the ${hook} hook threw: ${redact(messageOf(error))}`, { code: "INSTACART_CONNECT_HOOK_ERROR" });
  };
}

/** Calls `hook` with `info`; an exception in it is reported, never thrown. (Callers build `info` only when there is a hook.) */
export function callHook<Info>(name: string, hook: (info: Info) => void, info: Info, report: HookErrorReporter): void {
  try {
    hook(info);
  } catch (error) {
    report(name, error);
  }
}
