/** The command line of `instacart-connect simulate`, parsed into simulator options (or refused). */
import { parseArgs } from "node:util";
import type { SimulatorOptions } from "./index.js";

export const USAGE = `Usage: instacart-connect simulate [options]

Runs a stateful, offline Instacart Connect on 127.0.0.1 until Ctrl-C.

Options:
  --port N                        port to listen on (default: a free one)
  --client-id ID                  client ID it accepts (default: simulator-client-id)
  --client-secret SECRET          client secret it accepts (default: simulator-client-secret)
  --callback-url URL              post event callbacks to this URL
  --callback-token-url URL        get the callback token from this URL (client-credentials form POST)
  --callback-client-id ID         client ID sent to the token URL
  --callback-client-secret SECRET client secret sent to the token URL
  --callback-scope SCOPE          scope sent to the token URL (optional)
  --seed N                        seed of its randomness (default: 1)
  -h, --help                      show this help
`;

function optionsFrom(values: Record<string, string | boolean | undefined>): SimulatorOptions {
  const text = (name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const number = (name: string): number | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new Error(`--${name} needs a whole number, got "${value}"`);
    return Number(value);
  };
  const options: SimulatorOptions = {};
  const port = number("port");
  const seed = number("seed");
  const clientId = text("client-id");
  const clientSecret = text("client-secret");
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (clientId !== undefined) options.clientId = clientId;
  if (clientSecret !== undefined) options.clientSecret = clientSecret;
  const [url, tokenUrl, callbackId, callbackSecret] = [
    "callback-url",
    "callback-token-url",
    "callback-client-id",
    "callback-client-secret",
  ].map(text);
  if (url === undefined && tokenUrl === undefined && callbackId === undefined && callbackSecret === undefined) return options;
  if (url === undefined || tokenUrl === undefined || callbackId === undefined || callbackSecret === undefined) {
    throw new Error("--callback-url, --callback-token-url, --callback-client-id and --callback-client-secret go together");
  }
  const scope = text("callback-scope");
  options.callbacks = { url, tokenUrl, clientId: callbackId, clientSecret: callbackSecret, ...(scope === undefined ? {} : { scope }) };
  return options;
}

/** What the command line asks for: the usage text, or a simulator with these options. */
export function parseCommandLine(argv: readonly string[]): { help: true } | { help: false; options: SimulatorOptions } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      "callback-url": { type: "string" },
      "callback-token-url": { type: "string" },
      "callback-client-id": { type: "string" },
      "callback-client-secret": { type: "string" },
      "callback-scope": { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { help: true };
  if (positionals.length !== 1 || positionals[0] !== "simulate") throw new Error(`unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
  return { help: false, options: optionsFrom(values) };
}
