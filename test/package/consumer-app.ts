/**
 * The files of the throwaway consumer project the package test installs the tarball into. They are
 * written the way a user would write them: nothing here reaches into the repository.
 */

/**
 * What both apps do through the package, in plain JavaScript that runs as ES module and as CommonJS:
 * a call that creates `userId` against the mock, a call it refuses, a refused config and a parsed event.
 */
function calls(userId: string): string {
  return `const connect = createConnectClient({ server: process.env.PRISM_URL, clientId: "consumer-app", clientSecret: "consumer-app-secret" });
const user = await unwrap(connect.POST("/v2/fulfillment/users", { body: { user_id: "${userId}", first_name: "Ada" } }));
let refused;
try {
  await unwrap(connect.POST("/v2/fulfillment/users", { body: { first_name: "Ada" } }));
} catch (error) {
  refused = { apiError: error instanceof ConnectApiError, connectError: error instanceof ConnectError, status: error.status };
}
let configError = false;
try {
  createConnectClient({ server: "http://example.com", clientId: "a", clientSecret: "b" });
} catch (error) {
  configError = error instanceof ConnectConfigError;
}
const event = events.parseCallbackEvent('{"event_id":1201895966044343904,"event_name":"fulfillment.brand_new","event_timestamp":"2024-01-01T00:00:00Z","event_metadata":{"order_id":"o-1"}}');`;
}

/** The report's fields both apps print (after what they loaded), from the names `calls` defines. */
const REPORTED = `version: VERSION,
packageVersion: require("instacart-connect/package.json").version,
user,
refused,
configError,
eventId: event.event_id,
sameErrorClasses: events.ConnectError === root.ConnectError && events.ConnectCallbackError === root.ConnectCallbackError,
sameHandler: events.createCallbackHandler === root.createCallbackHandler,
// Without redis, ioredis or pg installed: the store entries never load a driver.
storesLoaded: [toNodeListener, createRedisEventStore, createPostgresEventStore].every((f) => typeof f === "function"),`;

const indent = (code: string, spaces: number): string => code.replace(/^/gm, " ".repeat(spaces));

/** An ES module app: a call against the mock through the package, and what it loaded. */
export const esmScript = `
import { createRequire } from "node:module";
import * as root from "instacart-connect";
import { ConnectApiError, ConnectConfigError, ConnectError, VERSION, createConnectClient, unwrap } from "instacart-connect";
import * as events from "instacart-connect/events";
import { toNodeListener } from "instacart-connect/node";
import { createPostgresEventStore } from "instacart-connect/stores/postgres";
import { createRedisEventStore } from "instacart-connect/stores/redis";

const require = createRequire(import.meta.url);
${calls("consumer-esm")}
console.log(JSON.stringify({
  loaded: import.meta.resolve("instacart-connect"),
  eventsLoaded: import.meta.resolve("instacart-connect/events"),
${indent(REPORTED, 2)}
}));
`;

/** The same from CommonJS, plus the spec itself through `require`. */
export const cjsScript = `
const { ConnectApiError, ConnectConfigError, ConnectError, VERSION, createConnectClient, unwrap } = require("instacart-connect");
const root = require("instacart-connect");
const events = require("instacart-connect/events");
const { toNodeListener } = require("instacart-connect/node");
const { createPostgresEventStore } = require("instacart-connect/stores/postgres");
const { createRedisEventStore } = require("instacart-connect/stores/redis");
const spec = require("instacart-connect/openapi.json");

async function main() {
${indent(calls("consumer-cjs"), 2)}
  console.log(JSON.stringify({
    loaded: require.resolve("instacart-connect"),
    eventsLoaded: require.resolve("instacart-connect/events"),
${indent(REPORTED, 4)}
    specOpenapi: spec.openapi,
    specPaths: Object.keys(spec.paths).length,
  }));
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * Typed usage, checked by tsc in the consumer project. Each \`@ts-expect-error\` must be needed: if
 * the package's types were missing or \`any\`, tsc would report the directive as unused.
 */
export const typedUsage = `
import {
  ConnectApiError,
  createConnectClient,
  unwrap,
  type ConnectClient,
  type ConnectClientOptions,
  type components,
} from "instacart-connect";
import { createCallbackHandler, isKnownCallbackEvent, parseCallbackEvent, type CallbackEvent } from "instacart-connect/events";

const options: ConnectClientOptions = { server: "development", clientId: "id", clientSecret: "secret", maxRetries: 3 };
export const connect: ConnectClient = createConnectClient(options);

export async function createUser(client: ConnectClient): Promise<components["schemas"]["User"]> {
  const user = await unwrap(client.POST("/v2/fulfillment/users", { body: { user_id: "u-1", first_name: "Ada" } }));
  const id: string = user.user_id;
  // @ts-expect-error: user_id is a string
  const wrong: number = user.user_id;
  void [id, wrong];
  return user;
}

export async function misuse(client: ConnectClient): Promise<void> {
  // @ts-expect-error: not a path of the spec
  await client.GET("/v2/no-such-path");
  // @ts-expect-error: user_id is required
  await client.POST("/v2/fulfillment/users", { body: { first_name: "Ada" } });
  // @ts-expect-error: no such option
  createConnectClient({ server: "development", accessToken: "t", retries: 2 });
}

export function orderOf(rawBody: string): string {
  const event: CallbackEvent = parseCallbackEvent(rawBody);
  if (isKnownCallbackEvent(event) && event.event_name === "fulfillment.brand_new") return event.event_metadata.order_id;
  return event.event_id;
}

export const receiver: (request: Request) => Promise<Response> = createCallbackHandler({
  authorize: (token) => token === "t",
  onEvent: async (event) => void event.event_id,
});

export function statusOf(error: unknown): number | undefined {
  return error instanceof ConnectApiError ? error.status : undefined;
}
`;

/** Bundler-style code also imports the shipped spec as JSON. */
export const typedSpecUsage = `
import spec from "instacart-connect/openapi.json";

export const openapiVersion: string = spec.openapi;
// @ts-expect-error: the JSON's types come from the file: "openapi" is a string
export const notANumber: number = spec.openapi;
`;
