import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { redoclyConfig, root } from "./paths.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The Redocly CLI entry point, run with this Node.js (no npx, no shell). */
export const redoclyBin: string = require.resolve("@redocly/cli/bin/cli.js");

/** Environment for every Redocly run: no telemetry, no update notice. */
export const redoclyEnv = {
  ...process.env,
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  NO_COLOR: "1",
};

/** Runs `redocly <args…> --config openapi/redocly.yaml` and returns its output; rejects on a non-zero exit. */
export async function redocly(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [redoclyBin, ...args, "--config", redoclyConfig], {
    cwd: root,
    env: redoclyEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
}
