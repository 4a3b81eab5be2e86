/**
 * Checks of a packed tarball, shared by `npm run check:package` and the package test:
 * its file list and contents, publint and @arethetypeswrong/cli. Each returns the problems it
 * found (empty = pass) so callers decide how to report them.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { expectedTarballFiles, type TarballEntry } from "./package.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Secret material that must never ship, whatever file it hides in. */
const SECRET_PATTERNS: [name: string, pattern: RegExp][] = [
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["an npm token", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["an npm auth setting", /:_(?:auth|authToken|password)\s*=/],
  ["a GitHub token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ["an AWS access key id", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
];

/** Paths that are a source of secrets or of test material by their very name. */
const FORBIDDEN_PATHS: [name: string, pattern: RegExp][] = [
  ["an environment file", /(?:^|\/)\.env(?:\.|$)/],
  ["an npm or yarn config", /(?:^|\/)\.(?:npmrc|yarnrc(?:\.yml)?)$/],
  ["a key or certificate", /\.(?:pem|key|p12|pfx|crt|jks)$/],
  ["an SSH key", /(?:^|\/)id_(?:rsa|ed25519|ecdsa)/],
  ["a test", /(?:^|\/)(?:test|tests|__tests__|fixtures)\/|\.(?:test|spec)\.[cm]?[jt]s$/],
  ["a TypeScript source", /(?<!\.d)\.[cm]?ts$/],
  ["a source map", /\.map$/],
  ["a nested tarball", /\.(?:tgz|tar|zip)$/],
];

/** The tarball holds exactly the expected files, none forbidden by name, none with secret material. */
export function tarballContentProblems(entries: readonly TarballEntry[]): string[] {
  const problems: string[] = [];
  const actual = new Set(entries.map((entry) => entry.path));
  const expected = new Set(expectedTarballFiles());
  for (const path of actual) if (!expected.has(path)) problems.push(`unexpected file in the tarball: ${path}`);
  for (const path of expected) if (!actual.has(path)) problems.push(`missing from the tarball: ${path}`);
  for (const { path, data } of entries) {
    for (const [name, pattern] of FORBIDDEN_PATHS) if (pattern.test(path)) problems.push(`${path} is ${name}`);
    const text = data.toString("utf8");
    for (const [name, pattern] of SECRET_PATTERNS) if (pattern.test(text)) problems.push(`${path} contains ${name}`);
  }
  return problems;
}

/** publint on the tarball itself (strict: warnings count, suggestions included). */
export async function publintProblems(tarball: string): Promise<string[]> {
  const data = await readFile(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer },
    level: "suggestion",
    strict: true,
  });
  return messages.map((message) => `${message.type} ${message.code}: ${formatMessage(message, pkg) ?? ""}`);
}

/** One row of attw's table: an entry point under one module resolution. */
export interface AttwResolution {
  entrypoint: string;
  resolution: string;
  /** The file TypeScript resolves to (its types, or the JSON file). */
  types: string | undefined;
  /** The file the runtime loads. */
  implementation: string | undefined;
}

export interface AttwReport {
  problems: string[];
  resolutions: AttwResolution[];
}

interface AttwJson {
  analysis: {
    problems?: { kind: string; entrypoint?: string; resolutionKind?: string }[];
    entrypoints: Record<
      string,
      { resolutions: Record<string, { resolution?: { fileName: string }; implementationResolution?: { fileName: string } }> }
    >;
  };
}

/**
 * @arethetypeswrong/cli on the tarball, every resolution mode (node10, node16 from CJS and from ESM,
 * bundler). `--no-definitely-typed`: there is no @types/instacart-connect, and the check stays offline.
 */
export async function attwReport(tarball: string): Promise<AttwReport> {
  const manifest = require.resolve("@arethetypeswrong/cli/package.json");
  const { bin } = JSON.parse(await readFile(manifest, "utf8")) as { bin: { attw: string } };
  const result = await run(process.execPath, [join(dirname(manifest), bin.attw), tarball, "--format", "json", "--no-definitely-typed"], {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    if (error.stdout?.trimStart().startsWith("{")) return { stdout: error.stdout };
    throw new Error(`attw failed to run: ${error.stderr ?? error.message}`);
  });
  const { analysis } = JSON.parse(result.stdout) as AttwJson;
  const strip = (file: string | undefined): string | undefined => file?.replace(/^\/node_modules\/[^/]+\//, "");
  const resolutions: AttwResolution[] = [];
  for (const [entrypoint, { resolutions: modes }] of Object.entries(analysis.entrypoints)) {
    for (const [resolution, found] of Object.entries(modes)) {
      resolutions.push({
        entrypoint,
        resolution,
        types: strip(found.resolution?.fileName),
        implementation: strip(found.implementationResolution?.fileName),
      });
    }
  }
  const problems = (analysis.problems ?? []).map(
    (problem) => `${problem.kind}${problem.entrypoint ? ` at ${problem.entrypoint}` : ""}${problem.resolutionKind ? ` (${problem.resolutionKind})` : ""}`,
  );
  return { problems, resolutions };
}
