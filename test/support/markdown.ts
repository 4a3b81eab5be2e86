/**
 * Reading the project's Markdown (README.md, CONTRIBUTING.md, the guides in docs/) the way a reader
 * and GitHub see it: its code blocks, its `##` sections, its links, and the anchors its headings get.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../scripts/lib/paths.ts";

/** The guides: every Markdown file in docs/, relative to the root (`docs/errors.md`). */
export function guideFiles(): string[] {
  const dir = join(root, "docs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
}

/** The Markdown a user reads: the README and the guides, relative to the root. */
export function userMarkdownFiles(): string[] {
  return ["README.md", ...guideFiles()];
}

export function readMarkdown(file: string): string {
  return readFileSync(join(root, file), "utf8");
}

/** The code of each fenced block in `language` (```ts → "ts"), in order. */
export function codeBlocks(markdown: string, language: string): string[] {
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...markdown.matchAll(fence)].map((match) => match[1]!);
}

/** The text without its fenced code blocks (a `# comment` in a shell block is not a heading). */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** The text of one `## title` section, up to the next `## `; undefined when there is none. */
export function section(markdown: string, title: string): string | undefined {
  const text = prose(markdown);
  const start = text.indexOf(`\n## ${title}\n`);
  if (start === -1) return undefined;
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

/** The same section with its code blocks kept. */
export function sectionWithCode(markdown: string, title: string): string | undefined {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) return undefined;
  const lines = markdown.slice(start + 1).split("\n");
  let inCode = false;
  const kept: string[] = [lines[0]!];
  for (const line of lines.slice(1)) {
    if (line.startsWith("```")) inCode = !inCode;
    if (!inCode && line.startsWith("## ")) break;
    kept.push(line);
  }
  return kept.join("\n");
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of every heading of a document (a repeated heading gets `-1`, `-2`…, as on GitHub). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** Every inline link target `[text](target)` outside code blocks. */
export function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** The rows of the first table under a `## title` section whose header starts with `firstHeader`, as cells. */
export function tableRows(markdown: string, title: string, firstHeader: string): string[][] {
  const text = section(markdown, title) ?? "";
  const lines = text.split("\n");
  const header = lines.findIndex((line) => line.startsWith(`| ${firstHeader} |`));
  if (header === -1) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** The `code` spans of a Markdown cell or line. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}
