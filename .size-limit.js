/**
 * Bundle sizes (size-limit with esbuild: minified, tree-shaken, gzipped, dependencies included).
 * `npm test` enforces the budgets (`limit`); `npm run size` prints every row, and `npm run bench`
 * reads them. Each entry is measured from its source module, found through package.json's
 * `exports`, so the budgets follow the entries wherever they live. A budget is the size when it
 * was set, rounded up a little: it must not grow. Lower it when the bundle shrinks.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { exports } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"));

/** `./dist/esm/src/index.js` → `./src/index.ts`: the source module of an export's ES module. */
function source(subpath) {
  return exports[subpath].import.default.replace(/^\.\/dist\/esm\//, "./").replace(/\.js$/, ".ts");
}

export default [
  { name: "openapi-fetch: createClient", path: fileURLToPath(import.meta.resolve("openapi-fetch")), import: "createClient", gzip: true },
  { name: "instacart-connect: every export", path: source("."), import: "*", gzip: true },
  // createConnectClient, bytes min + gzip. 0.1.0: 11,846. The core split (issue 14) took it to 14,292; wave2-core2 took
  // the split's overhead out (one call state, the settings read in place, shorter error wiring): 12,903, of which
  // features of wave 1 (measured by removing each): the large-integer check 523, the injectable clock 144 (option,
  // check, and time read through it), named fields in the operation table 140, the runtime-neutral base64 and
  // warnings 68. Then features, each measured as it landed: maxResponseBytes +185, the path-prefix check +72, refused
  // header values +201 (options and per call), bounded deprecation reports +58, the shared tokenCache with
  // createClientToken +682; a faster per-call path serializer -2; warnings and hook reports that never throw, on any
  // runtime (issue 16 item 5) +35; one messageOf that never throws, for the caller's own odd throws too, +36 (14,132);
  // the User-Agent naming Bun and Deno +25 (14,157).
  { name: "instacart-connect: createConnectClient", path: source("."), import: "{ createConnectClient }", gzip: true, limit: "14.2 kB" },
  // 4.6 kB before fenced leases and signed tokens (6.67 kB); the lossless JSON reader as a class (lint: short functions) +0.03 kB.
  { name: "instacart-connect/events: every export", path: source("./events"), import: "*", gzip: true, limit: "6.9 kB" },
  { name: "instacart-connect/node: toNodeListener", path: source("./node"), import: "{ toNodeListener }", gzip: true, limit: "1.9 kB" },
  // 1.02 kB for the event store; createRedisTokenCache (the shared token cache) +0.22 kB.
  { name: "instacart-connect/stores/redis: every export", path: source("./stores/redis"), import: "*", gzip: true, limit: "1.25 kB" },
  { name: "instacart-connect/stores/postgres: every export", path: source("./stores/postgres"), import: "*", gzip: true, limit: "1.7 kB" },
];
