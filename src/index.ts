export { createConnectClient } from "./client.js";
export type { ConnectClient, ConnectClientOptions } from "./client.js";
export { ConnectAuthError } from "./auth.js";
export { ConnectConfigError, ConnectError } from "./errors.js";
export { isLoopbackHost, resolveServer } from "./servers.js";
export type { ServerName } from "./servers.js";
export { VERSION } from "./version.js";
export type { components, operations, paths } from "../generated/schema.js";
