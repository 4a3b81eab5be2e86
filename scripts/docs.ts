/**
 * npm run docs: renders the spec as one self-contained HTML file, docs/api/index.html (ignored by git;
 * the Markdown guides live beside it in docs/).
 *
 *   tsx scripts/docs.ts [--spec <bundled spec JSON>] [--out <html file>]
 *
 * Steps: take generated/openapi.json; add the docs-only parts (introduction, x-codeSamples, groups
 * for ungrouped callbacks: scripts/lib/docs-bundle.ts); render it with `redocly build-docs
 * --inlineBundle` (Redoc's scripts inside the file, nothing from a CDN); replace the one remote
 * image Redoc still links (its attribution logo) with an inline one, so the file works offline.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SAMPLE_LANGUAGES } from "./lib/code-samples.ts";
import { docsBundle, listWebhooks } from "./lib/docs-bundle.ts";
import { bundledSpec, root } from "./lib/paths.ts";
import { redocly } from "./lib/redocly.ts";
import { listOperations, type OpenApiDocument } from "./lib/spec.ts";

export const introductionFile = join(root, "openapi", "introduction.md");
export const docsHtml = join(root, "docs", "api", "index.html");

/** Redoc options (`build-docs --openapi`): which sample tabs show, in which order, and which extensions. */
export const redocOptions = {
  codeSamples: { languages: [...SAMPLE_LANGUAGES, { lang: "payload", label: "Payload" }] },
  showExtensions: ["x-grant-types", "x-replaced-by", "x-incomplete", "x-source-trust"],
  sortRequiredPropsFirst: true,
};

/** Redoc's attribution logos, loaded from its CDN at run time; replaced by inline SVGs. */
const REMOTE_LOGOS: Record<string, string> = {
  "https://cdn.redoc.ly/redoc/logo-mini-full.svg": logo(56, "Redocly"),
  "https://cdn.redoc.ly/redoc/logo-mini.svg": logo(12, "R"),
};

function logo(width: number, text: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="12" viewBox="0 0 ${width} 12">` +
    `<text x="0" y="10" font-family="sans-serif" font-size="11" font-weight="600" fill="#0044d4">${text}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The HTML with every known remote asset inlined; the browser test proves nothing else is fetched. */
export function inlineRemoteAssets(html: string): string {
  let out = html;
  for (const [url, inline] of Object.entries(REMOTE_LOGOS)) out = out.split(url).join(inline);
  return out;
}

export interface BuildDocsOptions {
  spec?: string;
  out?: string;
}

export async function buildDocs(options: BuildDocsOptions = {}): Promise<{ out: string; bytes: number; notes: string[] }> {
  const specPath = resolve(options.spec ?? bundledSpec);
  const out = resolve(options.out ?? docsHtml);
  const source = JSON.parse(await readFile(specPath, "utf8")) as OpenApiDocument;
  const { spec, notes } = docsBundle(source, await readFile(introductionFile, "utf8"));

  const dir = await mkdtemp(join(tmpdir(), "connect-docs-"));
  try {
    const input = join(dir, "openapi.docs.json");
    await writeFile(input, JSON.stringify(spec));
    const html = join(dir, "index.html");
    await redocly([
      "build-docs",
      input,
      "--inlineBundle",
      "--output",
      html,
      "--title",
      `${spec.info.title} reference (unofficial)`,
      "--openapi",
      JSON.stringify(redocOptions),
    ]);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, inlineRemoteAssets(await readFile(html, "utf8")));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { out, bytes: (await stat(out)).size, notes };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { spec: { type: "string" }, out: { type: "string" } } });
  const started = performance.now();
  const { out, bytes, notes } = await buildDocs({
    ...(values.spec ? { spec: values.spec } : {}),
    ...(values.out ? { out: values.out } : {}),
  });
  const spec = JSON.parse(await readFile(resolve(values.spec ?? bundledSpec), "utf8")) as OpenApiDocument;
  for (const note of notes) console.log(`note: ${note}`);
  const shown = relative(process.cwd(), out);
  console.log(
    `wrote ${shown.startsWith("..") ? out : shown}: ${(bytes / 1024 / 1024).toFixed(2)} MB, ` +
      `${listOperations(spec).length} operations, ${listWebhooks(spec).length} event callbacks, ` +
      `${Math.round(performance.now() - started)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
