/**
 * npm run check:package: packs the package as `npm publish` would (prepack builds dist/), lists the
 * tarball's files, and fails on any problem: an unexpected, missing or forbidden file, secret
 * material, a publint message (strict, suggestions included) or an @arethetypeswrong/cli problem.
 * The package test (test/package/) runs the same checks inside `npm test`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attwReport, publintProblems, tarballContentProblems } from "./lib/package-checks.ts";
import { packPackage, readTarball } from "./lib/package.ts";

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const dir = await mkdtemp(join(tmpdir(), "instacart-connect-check-"));
try {
  const packed = await packPackage(dir);
  const entries = await readTarball(packed.tarball);
  console.log(`\n${packed.tarball.slice(dir.length + 1)}: ${kb(packed.size)} packed, ${kb(packed.unpackedSize)} unpacked, ${packed.entryCount} files`);
  for (const entry of [...entries].sort((a, b) => a.path.localeCompare(b.path))) {
    console.log(`  ${kb(entry.data.length).padStart(9)}  ${entry.path}`);
  }

  const contents = tarballContentProblems(entries);
  const lint = await publintProblems(packed.tarball);
  const types = await attwReport(packed.tarball);

  console.log("\n@arethetypeswrong/cli: what each entry point resolves to");
  for (const row of types.resolutions) {
    console.log(`  ${row.entrypoint.padEnd(15)} ${row.resolution.padEnd(11)} ${row.types ?? "(not resolved)"}`);
  }

  const report = (name: string, problems: string[]): number => {
    console.log(`\n${name}: ${problems.length === 0 ? "no problems" : `${problems.length} problem(s)`}`);
    for (const problem of problems) console.log(`  ${problem}`);
    return problems.length;
  };
  const failures =
    report("tarball contents", contents) + report("publint", lint) + report("@arethetypeswrong/cli", types.problems);
  if (failures > 0) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
