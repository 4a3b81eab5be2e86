/**
 * The package's own file rules (scripts/lib/package-checks.ts) on what `npm pack` would ship of the
 * current dist/: the file list, and no secret in any file. `npm run check:package` builds dist/
 * (through `attw --pack`) and runs publint and @arethetypeswrong/cli before this.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { packageFileProblems, secretProblems } from "./lib/package-checks.ts";
import { packPackage } from "./lib/package.ts";
import { root } from "./lib/paths.ts";

const { files } = await packPackage();
const problems = packageFileProblems(files);
for (const path of files) problems.push(...secretProblems(path, await readFile(join(root, path), "utf8")));
for (const problem of problems) console.log(`  ${problem}`);
console.log(`package files: ${files.length} files, ${problems.length === 0 ? "no problems" : `${problems.length} problem(s)`}`);
if (problems.length > 0) process.exitCode = 1;
