/**
 * npm run size: builds dist/, then prints the minified and gzipped size of what an application
 * bundle gets from
 *   - openapi-fetch's `createClient` alone (the floor),
 *   - `import { createConnectClient } from "instacart-connect"` (target: at most 2× the floor),
 *   - `instacart-connect/events` (a callback receiver),
 * measured with esbuild's JS API (scripts/lib/bundle-size.ts), and where the client's bytes come from.
 */
import { buildPackage } from "./build.ts";
import { measureBundle, type BundleSize } from "./lib/bundle-size.ts";

const TARGET_RATIO = 2;
const exact = (bytes: number): string => `${bytes.toLocaleString("en-US")} B`;

await buildPackage();
const rows: [name: string, size: BundleSize][] = [
  ["openapi-fetch: createClient", await measureBundle('export { default as createClient } from "openapi-fetch";')],
  ["instacart-connect: createConnectClient", await measureBundle('export { createConnectClient } from "instacart-connect";')],
  [
    "instacart-connect/events: receiver",
    await measureBundle(
      'export { createCallbackHandler, createCallbackTokenHandler, parseCallbackEvent } from "instacart-connect/events";',
    ),
  ],
];

console.log(`${"bundle (esbuild, ESM)".padEnd(40)}${"minified".padStart(10)}${"gzipped".padStart(10)}`);
for (const [name, size] of rows) {
  console.log(`${name.padEnd(40)}${exact(size.minified).padStart(10)}${exact(size.gzipped).padStart(10)}`);
}

const [[, floor], [, client]] = rows as [[string, BundleSize], [string, BundleSize], ...unknown[]];
const ratio = client.gzipped / floor.gzipped;
console.log(
  `\ncreateConnectClient is ${ratio.toFixed(2)}× openapi-fetch gzipped (target ≤ ${TARGET_RATIO}×, ${exact(floor.gzipped * TARGET_RATIO)}): ${
    ratio <= TARGET_RATIO ? "met" : "not met"
  }`,
);
console.log("\nwhere createConnectClient's minified bytes come from:");
for (const [path, bytes] of client.inputs) console.log(`${exact(bytes).padStart(10)}  ${path}`);
