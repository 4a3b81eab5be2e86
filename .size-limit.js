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
  // 11.9 kB until issue 14's core redesign (wave1-core) brought it to 14.3 kB: the check that never
  // rounds a large integer (0.7 kB), the injectable clock (0.2 kB), and the core split into plain parts.
  { name: "instacart-connect: createConnectClient", path: source("."), import: "{ createConnectClient }", gzip: true, limit: "14.4 kB" },
  // 4.6 kB before fenced leases and signed tokens (6.67 kB); the lossless JSON reader as a class (lint: short functions) +0.03 kB.
  { name: "instacart-connect/events: every export", path: source("./events"), import: "*", gzip: true, limit: "6.9 kB" },
  { name: "instacart-connect/node: toNodeListener", path: source("./node"), import: "{ toNodeListener }", gzip: true, limit: "1.9 kB" },
  { name: "instacart-connect/stores/redis: every export", path: source("./stores/redis"), import: "*", gzip: true, limit: "1.1 kB" },
  { name: "instacart-connect/stores/postgres: every export", path: source("./stores/postgres"), import: "*", gzip: true, limit: "1.7 kB" },
];
