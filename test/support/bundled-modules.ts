/** What an application bundle of one of the package's entries pulls in, measured with esbuild. */
import { build, type Platform } from "esbuild";
import { root } from "../../scripts/lib/paths.ts";

/** The modules (paths relative to the root) a tree-shaken, minified bundle of the module text `entry` contains. */
export async function bundledModules(entry: string, platform: Platform): Promise<string[]> {
  const { metafile } = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: "entry.ts", loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  return Object.values(metafile.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([path]) => path),
  );
}
