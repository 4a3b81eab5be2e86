/**
 * npm run build → dist/ (also run by `npm pack` and `npm publish` through `prepack`):
 *
 *   dist/esm/      tsc output of the entry points (package.json `exports` and `bin`) and everything
 *                  they import (src/, generated/):
 *                  ES modules and their declarations, type-checked with the project's tsconfig
 *   dist/cjs/      the same modules as CommonJS (esbuild transform of the ESM output), the same
 *                  declarations, and a package.json saying `"type": "commonjs"`
 *   dist/openapi.json   the bundled spec, byte for byte generated/openapi.json
 *
 * generated/schema.ts is types only: its 450 KB of declarations ship once, in dist/cjs; the ESM
 * copy is a one-line type re-export of it.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { transform } from "esbuild";
import ts from "typescript";
import { cjsDir, distDir, entrySources, esmDir, generatedTypesOnly, shippedSpec } from "./lib/package.ts";
import { bundledSpec, root } from "./lib/paths.ts";

/** Every file below `dir`, as paths relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => root,
    getNewLine: () => "\n",
  });
}

/** tsc: the entry points and their imports → dist/esm (JS and .d.ts). Fails on any diagnostic. */
function emitEsm(): void {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), (path) => ts.sys.readFile(path));
  if (config.error) throw new Error(formatDiagnostics([config.error]));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(
    entrySources().map((entry) => join(root, entry)),
    {
      ...options,
      noEmit: false,
      allowImportingTsExtensions: false,
      declaration: true,
      declarationMap: false,
      sourceMap: false,
      outDir: esmDir,
      rootDir: root,
    },
  );
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0 || emitted.emitSkipped) throw new Error(`tsc failed:\n${formatDiagnostics(diagnostics)}`);
}

/**
 * dist/esm → dist/cjs: each module transformed to CommonJS, each declaration copied, except the
 * types-only schema: its declarations move to dist/cjs and dist/esm re-exports them (an ES module may
 * import a CommonJS one, not the other way round, so this is the direction that type-checks in both).
 */
async function emitCjs(): Promise<void> {
  const schemaDeclarations = `${generatedTypesOnly.replace(/\.ts$/, "")}.d.ts`;
  for (const file of await filesBelow(esmDir)) {
    const target = join(cjsDir, file);
    await mkdir(dirname(target), { recursive: true });
    if (file === schemaDeclarations) {
      const source = join(esmDir, file);
      await copyFile(source, target);
      const cjsCopy = relative(dirname(source), target).replace(/\.d\.ts$/, ".js");
      await writeFile(source, `// Types only: the declarations ship once, in dist/cjs.\nexport type * from "${cjsCopy}";\n`);
    } else if (file.endsWith(".d.ts")) {
      await copyFile(join(esmDir, file), target);
    } else if (file.endsWith(".js")) {
      const { code } = await transform(await readFile(join(esmDir, file), "utf8"), {
        format: "cjs",
        loader: "js",
        platform: "node",
        target: "node20",
        sourcefile: file,
        banner: '"use strict";',
      });
      await writeFile(target, code);
    } else {
      throw new Error(`unexpected file in dist/esm: ${file}`);
    }
  }
  await writeFile(join(cjsDir, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
}

/** Builds dist/ from scratch and returns its files (relative to dist/). */
export async function buildPackage(): Promise<string[]> {
  await rm(distDir, { recursive: true, force: true });
  emitEsm();
  // generated/schema.ts is types only: its JavaScript is an empty module nothing loads.
  const schemaJs = join(esmDir, generatedTypesOnly.replace(/\.ts$/, ".js"));
  const emptyModule = (await readFile(schemaJs, "utf8")).trim();
  if (emptyModule !== "export {};") throw new Error(`${generatedTypesOnly} is expected to be types only, emitted:\n${emptyModule}`);
  await rm(schemaJs);
  await emitCjs();
  await copyFile(bundledSpec, shippedSpec);
  return filesBelow(distDir);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const files = await buildPackage();
  console.log(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s: ${files.length} files`);
}
