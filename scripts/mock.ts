/**
 * npm run mock: starts the Prism mock server from generated/openapi.json and keeps it running
 * until Ctrl-C. Pass `--port N` for a fixed port (default: a free one).
 */
import { startPrism } from "./lib/prism.ts";

const portFlag = process.argv.indexOf("--port");
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : undefined;
if (port !== undefined && !Number.isInteger(port)) throw new Error("--port needs a number");

const prism = await startPrism(port === undefined ? {} : { port });
console.log(`Prism mock of the Instacart Connect API listening on ${prism.url} (pid ${prism.pid})`);
console.log(`Try: curl -s -X POST ${prism.url}/v2/oauth/token -H 'Content-Type: application/json' \\`);
console.log(`       -d '{"client_id":"id","client_secret":"secret","grant_type":"client_credentials"}'`);
console.log("Ctrl-C stops it.");
const stop = (): void => {
  void prism.stop().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
