#!/usr/bin/env node
/**
 * `npx instacart-connect simulate`: runs the simulator until Ctrl-C (SIGINT) or SIGTERM, printing the
 * URL and the credentials it accepts. With the --callback-* options it posts event callbacks to the
 * retailer's receiver.
 */
import { parseCommandLine, USAGE } from "./cli-args.js";
import { createSimulator } from "./index.js";

const print = (text: string): void => void process.stdout.write(`${text}\n`);

async function main(argv: string[]): Promise<void> {
  const command = parseCommandLine(argv);
  if (command.help) return void print(USAGE);
  const { options } = command;
  const sim = await createSimulator(options);
  print(`Instacart Connect simulator listening on ${sim.url}`);
  print(`  client ID      ${sim.clientId}`);
  print(`  client secret  ${sim.clientSecret}`);
  print(
    `  callbacks      ${options.callbacks ? `posted to ${options.callbacks.url} (token from ${options.callbacks.tokenUrl})` : "recorded, not sent (no --callback-url)"}`,
  );
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
