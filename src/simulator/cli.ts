#!/usr/bin/env node
/**
 * `npx instacart-connect simulate`: runs the simulator until Ctrl-C (SIGINT) or SIGTERM, printing the
 * URL and the credentials it accepts. With the --callback-* options it posts event callbacks to the
 * retailer's receiver.
 */
import { parseArgs } from "node:util";
import { createSimulator, type SimulatorOptions } from "./index.js";

const USAGE = `Usage: instacart-connect simulate [options]

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

const print = (text: string): void => void process.stdout.write(`${text}\n`);

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
  if (port !== undefined) options.port = port;
  if (seed !== undefined) options.seed = seed;
  if (text("client-id") !== undefined) options.clientId = text("client-id")!;
  if (text("client-secret") !== undefined) options.clientSecret = text("client-secret")!;
  const callback = ["callback-url", "callback-token-url", "callback-client-id", "callback-client-secret"].map(text);
  if (callback.some((value) => value !== undefined)) {
    if (callback.some((value) => value === undefined)) {
      throw new Error("--callback-url, --callback-token-url, --callback-client-id and --callback-client-secret go together");
    }
    const [url, tokenUrl, clientId, clientSecret] = callback as string[];
    options.callbacks = { url: url!, tokenUrl: tokenUrl!, clientId: clientId!, clientSecret: clientSecret!, ...(text("callback-scope") ? { scope: text("callback-scope")! } : {}) };
  }
  return options;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
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
  if (values.help) return void print(USAGE);
  if (positionals.length !== 1 || positionals[0] !== "simulate") throw new Error(`unknown command "${positionals.join(" ")}"\n\n${USAGE}`);
  const options = optionsFrom(values);
  const sim = await createSimulator(options);
  print(`Instacart Connect simulator listening on ${sim.url}`);
  print(`  client ID      ${sim.clientId}`);
  print(`  client secret  ${sim.clientSecret}`);
  print(`  callbacks      ${options.callbacks ? `posted to ${options.callbacks.url} (token from ${options.callbacks.tokenUrl})` : "recorded, not sent (no --callback-url)"}`);
  print(`Try: curl -s -X POST ${sim.url}/v2/oauth/token -H 'Content-Type: application/json' \\`);
  print(`       -d '{"client_id":"${sim.clientId}","client_secret":"${sim.clientSecret}","grant_type":"client_credentials"}'`);
  print("Ctrl-C stops it.");
  const stop = (signal: string): void => {
    void sim.close().then(() => print(`simulator stopped (${signal})`));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`instacart-connect: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
