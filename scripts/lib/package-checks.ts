/**
 * What the package may ship, beyond what publint and @arethetypeswrong/cli check: only the built
 * modules (each as ES module and CommonJS, each with its declarations), the spec and the package's
 * own documents; nothing that is a test, a source, a source map or a key; no secret inside any file.
 */
import { generatedTypesOnly } from "./package.ts";

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

/** Files outside dist/esm and dist/cjs that ship. */
const DOCUMENTS = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/openapi.json", "dist/cjs/package.json"];

/** dist/esm/x.js → the four files of module x; the types-only schema ships declarations only. */
function moduleFiles(stem: string): string[] {
  const formats = ["esm", "cjs"];
  if (stem === generatedTypesOnly.replace(/\.ts$/, "")) return formats.map((format) => `dist/${format}/${stem}.d.ts`);
  return formats.flatMap((format) => [`dist/${format}/${stem}.js`, `dist/${format}/${stem}.d.ts`]);
}

/**
 * The problems of a packed file list (paths inside the package): every file expected, every expected
 * file present. The modules expected are those of dist/esm: each one in both formats with declarations.
 */
export function packageFileProblems(files: readonly string[]): string[] {
  const stems = files.flatMap((path) => /^dist\/esm\/(.+?)(?:\.d\.ts|\.js)$/.exec(path)?.[1] ?? []);
  const expected = new Set([...DOCUMENTS, ...stems.flatMap(moduleFiles)]);
  const actual = new Set(files);
  const problems: string[] = [];
  for (const path of actual) if (!expected.has(path)) problems.push(`unexpected file in the package: ${path}`);
  for (const path of expected) if (!actual.has(path)) problems.push(`missing from the package: ${path}`);
  for (const path of actual) {
    for (const [name, pattern] of FORBIDDEN_PATHS) if (pattern.test(path)) problems.push(`${path} is ${name}`);
  }
  return problems;
}

/** The secrets found in one shipped file's text. */
export function secretProblems(path: string, text: string): string[] {
  return SECRET_PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => `${path} contains ${name}`);
}
