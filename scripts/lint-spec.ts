/**
 * npm run lint:spec: Redocly lint of openapi/ with openapi/redocly.yaml. Fails on any problem,
 * warnings included (Redocly itself exits 0 on warnings).
 */
import { redocly } from "./lib/redocly.ts";
import { specEntry } from "./lib/paths.ts";

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { source: { ref: string }; pointer: string }[] }[];
}

const { stdout } = await redocly(["lint", specEntry, "--format", "json"]).catch(
  (error: { stdout?: string; stderr?: string; message: string }) => {
    if (error.stdout && error.stdout.includes('"totals"')) return { stdout: error.stdout };
    throw new Error(`redocly lint failed to run: ${error.stderr ?? error.message}`);
  },
);
const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as LintReport;
for (const problem of report.problems) {
  const where = problem.location[0];
  const file = where ? `${where.source.ref.replace(`${process.cwd()}/`, "")}#${where.pointer}` : "";
  console.log(`${problem.severity.padEnd(7)} ${problem.ruleId}: ${problem.message}\n        ${file}`);
}
const { errors, warnings } = report.totals;
console.log(`redocly lint: ${errors} errors, ${warnings} warnings`);
if (errors > 0 || warnings > 0) process.exitCode = 1;
