/**
 * Receivers as the runtimes guide (docs/runtimes.md) shows them, on their runtimes: its Bun.serve and
 * Deno.serve blocks (only the port changed: a free one on 127.0.0.1), and its Workers module on
 * workerd with no compatibility flags. The package's imports
 * resolve to the sources (bundle.ts). Instacart's side is played by this test: a token request with
 * the configured client, then the same event twice.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { freePort } from "../support/free-port.ts";
import { bundle } from "./bundle.ts";
import { binaries, RUNTIME_PACKAGES } from "./install.ts";
import { type Running, startServer } from "./run.ts";
import { workerdConfig } from "./runtimes.ts";
import { EVENT_ID } from "./smoke.ts";

const SIGNING_SECRET = "a-signing-secret-for-the-documented-receivers";

const GUIDE = "docs/runtimes.md";

/** The runtimes guide's fenced code block that contains `marker` (exactly one must). */
async function guideBlock(marker: string): Promise<string> {
  const guide = await readFile(join(root, GUIDE), "utf8");
  const blocks = [...guide.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
  const found = blocks.filter((block) => block.includes(marker));
  if (found.length !== 1) throw new Error(`${GUIDE} has ${found.length} code blocks with ${marker}; the test expects one.`);
  return found[0] ?? "";
}

/** The block with its one `port: N` bound to 127.0.0.1 and `port`. */
function onPort(block: string, port: number): string {
  const ports = block.match(/\bport: \d+/g) ?? [];
  if (ports.length !== 1) throw new Error(`expected one \`port: N\` in the guide's block, found ${ports.length}:\n${block}`);
  return block.replace(/\bport: \d+/, `hostname: "127.0.0.1", port: ${port}`);
}

interface Receiver {
  name: string;
  /** The client the receiver's token endpoint expects. */
  client: { id: string; secret: string };
  /** Bundles the receiver into `dir` and starts it on `port`. */
  start(dir: string, port: number): Promise<Running>;
}

/** A guide block run by Bun or Deno (their blocks use "…" as the client ID and secret). */
function guideReceiver(marker: string, runtime: string, command: (file: string) => string[]): Receiver {
  return {
    name: `the guide's ${marker.slice(0, -1)} receiver on ${runtime}`,
    client: { id: "…", secret: "…" },
    async start(dir, port) {
      const source = onPort(await guideBlock(marker), port);
      const file = await bundle({ entry: { source }, format: "esm", outfile: join(dir, "receiver.mjs") });
      return startServer(command(file), `http://127.0.0.1:${port}/`, { ...process.env, CALLBACK_SIGNING_SECRET: SIGNING_SECRET });
    },
  };
}

const workersGuide: Receiver = {
  name: `the guide's Workers receiver on workerd ${RUNTIME_PACKAGES["@cloudflare/workerd-linux-64"]} (no flags)`,
  client: { id: "instacart-callbacks", secret: "callback-client-secret" },
  async start(dir, port) {
    const source = await guideBlock("export default {");
    await bundle({ entry: { source }, format: "esm", outfile: join(dir, "worker.mjs") });
    const bindings = {
      CALLBACK_SIGNING_SECRET: SIGNING_SECRET,
      INSTACART_CALLBACK_CLIENT_ID: this.client.id,
      INSTACART_CALLBACK_CLIENT_SECRET: this.client.secret,
    };
    await writeFile(join(dir, "config.capnp"), workerdConfig(port, bindings));
    return startServer([binaries.workerd, "serve", join(dir, "config.capnp"), "--verbose"], `http://127.0.0.1:${port}/`);
  },
};

const receivers: Receiver[] = [
  guideReceiver("Bun.serve(", `Bun ${RUNTIME_PACKAGES["@oven/bun-linux-x64"]}`, (file) => [binaries.bun, "run", file]),
  guideReceiver("Deno.serve(", `Deno ${RUNTIME_PACKAGES["@deno/linux-x64-glibc"]}`, (file) => [
    binaries.deno,
    "run",
    "--allow-net",
    "--allow-env",
    file,
  ]),
  workersGuide,
];

const event = (id: string): string =>
  `{"event_id":${id},"event_name":"fulfillment.brand_new","event_timestamp":"2020-07-07T16:35:22Z","event_metadata":{"order_id":"o-1"}}`;

for (const receiver of receivers) {
  describe(receiver.name, () => {
    let dir: string;
    let server: Running | undefined;
    let origin: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "instacart-receiver-"));
      const port = await freePort();
      origin = `http://127.0.0.1:${port}`;
      server = await receiver.start(dir, port);
    });
    afterAll(async () => {
      await server?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("issues a token, then processes an event once and answers its duplicate", async () => {
      const form = (secret: string) =>
        new URLSearchParams({ client_id: receiver.client.id, client_secret: secret, grant_type: "client_credentials" });
      expect((await fetch(`${origin}/oauth/token`, { method: "POST", body: form("wrong") })).status).toBe(401);
      const issued = await fetch(`${origin}/oauth/token`, { method: "POST", body: form(receiver.client.secret) });
      expect(issued.status).toBe(200);
      const { access_token: token } = (await issued.json()) as { access_token: string };
      const deliver = (authorization: string) =>
        fetch(`${origin}/instacart/callbacks`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: event(EVENT_ID),
        });
      expect((await deliver("Bearer not-a-token")).status).toBe(401);
      const first = await deliver(`Bearer ${token}`);
      expect([first.status, await first.json()]).toEqual([200, { status: "processed", event_id: EVENT_ID }]);
      const second = await deliver(`Bearer ${token}`);
      expect([second.status, await second.json()]).toEqual([200, { status: "duplicate", event_id: EVENT_ID }]);
      // onEvent logged the event_id, exact, once (its output reaches this process a little after the answer).
      await vi.waitFor(() => expect(server?.output()).toContain(EVENT_ID), { timeout: 5_000 });
      expect(server?.output().split(EVENT_ID).length).toBe(2);
    });
  });
}
