/**
 * What the delivery queue does on the wire (events.md §2): get a token from the retailer's token
 * URL with a client-credentials form POST, keep it until it expires on the simulated clock (or the
 * receiver refuses it), and POST one event body with it. Every request has a real-time limit, even
 * when an injected `fetch` ignores its abort signal.
 */
import type { CallbackOptions } from "./callbacks.js";
import type { InternalClock } from "./clock.js";

/** The outcome of one delivery attempt: the receiver's status, or what went wrong. */
export interface AttemptResult {
  status: number | undefined;
  error: string | undefined;
}

export interface CallbackSender {
  post(body: string): Promise<AttemptResult>;
  /** Aborts the requests in flight (the simulator is closing). */
  abortAll(): void;
}

type Fetch = (request: Request) => Promise<Response>;

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ""}` : String(error);

/** One request with a real-time limit, even if the injected fetch ignores its signal. */
async function timed(send: Fetch, request: Request, timeout: number, inFlight: Set<AbortController>): Promise<Response> {
  const controller = new AbortController();
  inFlight.add(controller);
  let stop: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    stop = setTimeout(() => {
      reject(new Error(`no answer within ${timeout} ms`)); // first: the abort below would reject too
      controller.abort();
    }, timeout);
    controller.signal.addEventListener("abort", () => reject(new Error("the simulator was closed")), { once: true });
  });
  expired.catch(() => undefined); // settled after the race when the simulator closes later
  try {
    return await Promise.race([send(new Request(request, { signal: controller.signal })), expired]);
  } finally {
    clearTimeout(stop);
    inFlight.delete(controller);
  }
}

export function createCallbackSender(options: CallbackOptions, clock: InternalClock): CallbackSender {
  const send: Fetch = options.fetch ?? ((request: Request) => fetch(request));
  const timeout = options.timeout ?? 10_000;
  const inFlight = new Set<AbortController>();
  let token: { value: string; expiresAt: number } | undefined;
  const request = (value: Request): Promise<Response> => timed(send, value, timeout, inFlight);

  async function currentToken(): Promise<string> {
    if (token && clock.now() < token.expiresAt) return token.value;
    const form = new URLSearchParams({
      client_id: options.clientId,
      client_secret: options.clientSecret,
      grant_type: "client_credentials",
    });
    if (options.scope !== undefined) form.set("scope", options.scope);
    if (options.resource !== undefined) form.set("resource", options.resource);
    const headers = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    const response = await request(new Request(options.tokenUrl, { method: "POST", headers, body: form.toString() }));
    const text = await response.text();
    if (!response.ok) throw new Error(`the token URL answered HTTP ${response.status}`);
    let grant: { access_token?: unknown; expires_in?: unknown };
    try {
      grant = JSON.parse(text) as typeof grant;
    } catch {
      throw new Error("the token URL answered something that is not JSON");
    }
    const lifetime = Number(grant.expires_in);
    if (typeof grant.access_token !== "string" || grant.access_token === "" || !(lifetime > 0)) {
      throw new Error("the token URL's answer lacks access_token or a positive expires_in");
    }
    token = { value: grant.access_token, expiresAt: clock.now() + lifetime * 1000 };
    return token.value;
  }

  return {
    async post(body) {
      try {
        const bearer = await currentToken();
        const headers = { authorization: `Bearer ${bearer}`, "content-type": "application/json" };
        const response = await request(new Request(options.url, { method: "POST", headers, body }));
        await response.body?.cancel();
        if (response.status === 401) token = undefined; // refused: get a fresh token for the retry
        const ok = response.status >= 200 && response.status <= 299;
        return { status: response.status, error: ok ? undefined : `the callback URL answered HTTP ${response.status}` };
      } catch (caught) {
        return { status: undefined, error: describeError(caught) };
      }
    },
    abortAll() {
      for (const controller of inFlight) controller.abort();
    },
  };
}
