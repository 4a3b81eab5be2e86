/**
 * Test helpers for event callbacks: a real `node:http` server on 127.0.0.1 with a Fetch-API
 * handler mounted (through the same adapter as the demo), and Instacart's side of the exchange.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { toNodeListener } from "../../src/adapters/node.ts";

export interface LocalServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly origin: string;
  close(): Promise<void>;
}

export async function serve(handler: (request: Request) => Promise<Response>): Promise<LocalServer> {
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface Delivery {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Posts a raw callback body the way Instacart does: JSON with a bearer token (omit it with `token: null`). */
export async function deliver(origin: string, rawBody: string | Uint8Array, token: string | null = "valid-token"): Promise<Delivery> {
  const response = await fetch(`${origin}/instacart/callbacks`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: rawBody,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Instacart's token request to the receiver at `origin`: a client-credentials form POST to
 * `/oauth/token`. Answers the status and the access token (empty when none came).
 */
export async function requestCallbackToken(
  origin: string,
  credentials: { clientId: string; clientSecret: string } = { clientId: "instacart", clientSecret: "secret" },
): Promise<{ status: number; accessToken: string }> {
  const form = { client_id: credentials.clientId, client_secret: credentials.clientSecret, grant_type: "client_credentials" };
  const response = await fetch(`${origin}/oauth/token`, { method: "POST", body: new URLSearchParams(form) });
  const { access_token: accessToken = "" } = (await response.json()) as { access_token?: string };
  return { status: response.status, accessToken };
}

/** A raw event body; `eventId` is written into the JSON text as is (no rounding). */
export function eventBody(
  eventId: string,
  eventName: string,
  metadata: Record<string, unknown> = { order_id: "b7fab7ae-11fc-4453-98e1-a00000000000" },
): string {
  return `{"event_id":${eventId},"event_name":${JSON.stringify(eventName)},"event_timestamp":"2020-07-07T16:35:22Z","event_metadata":${JSON.stringify(metadata)}}`;
}

/** A promise and the function that resolves it. */
export function gate(): { opened: Promise<void>; open(): void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
