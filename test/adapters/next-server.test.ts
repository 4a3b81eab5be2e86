/**
 * The Next.js route handlers of docs/callbacks-and-stores.md in a real Next.js app: `next build`, then `next start` on
 * 127.0.0.1 and a free port (stopped by PID). The app's `instacart-connect/events` is the events
 * entry bundled by esbuild into its own node_modules (not dist/, which the package test rebuilds at
 * the same time). Instacart's side gets a token from one route and posts events to the other. Slow suite.
 */
import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { root } from "../../scripts/lib/paths.ts";
import { type ChildServer, startChild } from "../support/child-server.ts";
import { freePort } from "../support/free-port.ts";
import { deliver, eventBody, requestCallbackToken } from "../unit/callback-server.ts";

const run = promisify(execFile);
const app = join(root, "test-results", `next-app-${process.pid}`);
const next = join(root, "node_modules", "next", "dist", "bin", "next");
const env = { ...process.env, CALLBACK_SIGNING_SECRET: "next-app-signing-secret-of-32-bytes!", NEXT_TELEMETRY_DISABLED: "1" };

/** The app's files (JavaScript, so that Next.js installs no TypeScript types into it). */
const FILES: Record<string, string> = {
  "package.json": JSON.stringify({ name: "next-receiver", private: true, type: "module" }),
  "next.config.mjs": `import { fileURLToPath } from "node:url";
export default { turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) } };`,
  "app/layout.js": `export default function RootLayout({ children }) {
  return <html lang="en"><body>{children}</body></html>;
}`,
  "app/oauth/token/route.js": `import { createCallbackTokenHandler } from "instacart-connect/events";

export const runtime = "nodejs";
export const POST = createCallbackTokenHandler({
  clientId: "instacart",
  clientSecret: "secret",
  signingSecret: process.env.CALLBACK_SIGNING_SECRET ?? "",
});`,
  "app/instacart/callbacks/route.js": `import { createCallbackHandler, createCallbackTokenVerifier } from "instacart-connect/events";

export const runtime = "nodejs";
export const POST = createCallbackHandler({
  authorize: createCallbackTokenVerifier({ signingSecret: process.env.CALLBACK_SIGNING_SECRET ?? "" }),
  onEvent: async (event) => console.log(\`handled event \${event.event_id}\`),
});`,
};

let server: ChildServer | undefined;
let origin = "";

beforeAll(async () => {
  await rm(app, { recursive: true, force: true });
  for (const [path, text] of Object.entries(FILES)) {
    await mkdir(join(app, path, ".."), { recursive: true });
    await writeFile(join(app, path), text);
  }
  const linked = join(app, "node_modules", "instacart-connect");
  await build({
    entryPoints: [join(root, "src/events/index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: join(linked, "events.js"),
    logLevel: "silent",
  });
  await writeFile(
    join(linked, "package.json"),
    JSON.stringify({ name: "instacart-connect", type: "module", exports: { "./events": "./events.js" } }),
  );
  await run(process.execPath, [next, "build", app], { cwd: root, env, maxBuffer: 16 * 1024 * 1024 });
  const port = await freePort();
  server = await startChild(process.execPath, [next, "start", app, "-p", String(port), "-H", "127.0.0.1"], /Ready in/, { cwd: root, env });
  origin = `http://127.0.0.1:${port}`;
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await rm(app, { recursive: true, force: true });
});

describe("Next.js route handlers (next build, next start)", () => {
  it("issue a token on one route, accept it on the other, and process a duplicate once", async () => {
    const { status, accessToken } = await requestCallbackToken(origin);
    expect(status).toBe(200);
    const answers: unknown[] = [];
    for (const token of [accessToken, accessToken, "forged"]) {
      const delivery = await deliver(origin, eventBody("1201895966044343904", "fulfillment.brand_new"), token);
      answers.push([delivery.status, delivery.body]);
    }
    expect(answers).toEqual([
      [200, { status: "processed", event_id: "1201895966044343904" }],
      [200, { status: "duplicate", event_id: "1201895966044343904" }],
      [401, { error: "invalid_token", message: "The bearer token is not valid." }],
    ]);
    expect(server?.output()).toContain("handled event 1201895966044343904");
    expect(server?.output().match(/handled event/g)).toHaveLength(1);
  });
});
