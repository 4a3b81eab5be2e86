/**
 * The docs-only bundle: the spec as generated, plus what only the rendered docs need. Nothing here
 * reaches generated/openapi.json, the types or the mock.
 *
 * - `info.description` gets the introduction (openapi/introduction.md), with its `<!-- spec:… -->`
 *   lines replaced by tables generated from the spec;
 * - every operation gets `x-codeSamples` (scripts/lib/code-samples.ts);
 * - event callbacks whose tags no `x-tagGroups` group lists get a group, because Redoc hides
 *   anything outside the tag groups;
 * - tags with neither operations nor callbacks are left out of the navigation.
 */
import { codeSamples } from "./code-samples.ts";
import { HTTP_METHODS, listOperations, type OpenApiDocument, type OperationObject } from "./spec.ts";

export interface TagGroup {
  name: string;
  tags: string[];
}

/** Tag and group of the callbacks that the spec's own tag groups leave out. */
export const CALLBACKS_TAG = {
  name: "Event callbacks",
  description:
    "Calls Instacart makes to your callback URL: an HTTP POST with a JSON body, authenticated with a bearer " +
    "token that Instacart gets from your token endpoint. Configure them in the Developer Dashboard.",
};

export interface DocsBundle {
  spec: OpenApiDocument;
  /** What the bundle step changed beyond samples and the introduction (printed by `npm run docs`). */
  notes: string[];
}

/** Every operation of `webhooks`, with its name and method. */
export function listWebhooks(spec: OpenApiDocument): { name: string; method: string; operation: OperationObject }[] {
  const out: { name: string; method: string; operation: OperationObject }[] = [];
  for (const [name, item] of Object.entries(spec.webhooks ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OperationObject | undefined;
      if (operation) out.push({ name, method: method.toUpperCase(), operation });
    }
  }
  return out;
}

/** Markdown tables the introduction can pull from the spec. */
const GENERATED_SECTIONS: Record<string, (spec: OpenApiDocument) => string> = {
  servers(spec) {
    const rows = (spec.servers ?? []).map((server) => {
      const name = server["x-server-name"] ? `\`${server["x-server-name"]}\`` : "";
      return `| ${name} | \`${server.url}\` |`;
    });
    if (rows.length === 0) throw new Error("the spec lists no servers for the introduction's server table");
    return ["| `server` (TypeScript client) | Host |", "|---|---|", ...rows].join("\n");
  },
};

/** The introduction with its generated sections filled in and its HTML comments removed. */
export function renderIntroduction(markdown: string, spec: OpenApiDocument): string {
  const filled = markdown.replace(/^<!--\s*spec:([\w-]+)\s*-->$/gm, (_line, name: string) => {
    const section = GENERATED_SECTIONS[name];
    if (!section) throw new Error(`openapi/introduction.md: unknown generated section "spec:${name}"`);
    return section(spec);
  });
  return filled.replace(/<!--[\s\S]*?-->\s*/g, "").trim();
}

function groupsOf(spec: OpenApiDocument): TagGroup[] {
  return (spec["x-tagGroups"] as TagGroup[] | undefined) ?? [];
}

export function docsBundle(source: OpenApiDocument, introduction: string): DocsBundle {
  const spec = structuredClone(source);
  const notes: string[] = [];

  const description = typeof spec.info.description === "string" ? spec.info.description.trimEnd() : "";
  spec.info.description = `${description}\n\n${renderIntroduction(introduction, spec)}\n`;

  const operations = listOperations(spec);
  for (const entry of operations) entry.operation["x-codeSamples"] = codeSamples(spec, entry);

  const groups = groupsOf(spec);
  if (groups.length > 0) {
    const grouped = new Set(groups.flatMap((group) => group.tags));
    const hidden = operations
      .filter(({ operation }) => !(operation.tags ?? []).some((tag) => grouped.has(tag)))
      .map(({ method, path }) => `${method} ${path}`);
    if (hidden.length > 0) {
      throw new Error(
        `These operations have no tag listed in x-tagGroups, so Redoc would hide them: ${hidden.join(", ")}. ` +
          "Give each one a tag that openapi/openapi.yaml lists in a tag group.",
      );
    }

    const ungroupedCallbacks = listWebhooks(spec).filter(({ operation }) => !(operation.tags ?? []).some((tag) => grouped.has(tag)));
    if (ungroupedCallbacks.length > 0) {
      const extraTags = new Set<string>();
      for (const { operation } of ungroupedCallbacks) {
        if (!operation.tags?.length) operation.tags = [CALLBACKS_TAG.name];
        for (const tag of operation.tags) extraTags.add(tag);
      }
      if (!(spec.tags ?? []).some((tag) => tag.name === CALLBACKS_TAG.name) && extraTags.has(CALLBACKS_TAG.name)) {
        spec.tags = [...(spec.tags ?? []), { ...CALLBACKS_TAG }];
      }
      groups.push({ name: CALLBACKS_TAG.name, tags: [...extraTags] });
      notes.push(
        `${ungroupedCallbacks.length} event callback(s) had no tag in x-tagGroups; grouped under "${CALLBACKS_TAG.name}" ` +
          `(tags: ${[...extraTags].join(", ")}).`,
      );
    }

    const used = new Set([...operations, ...listWebhooks(spec)].flatMap(({ operation }) => operation.tags ?? []));
    const empty = [...new Set(groups.flatMap((group) => group.tags))].filter((tag) => !used.has(tag));
    if (empty.length > 0) {
      spec["x-tagGroups"] = groups
        .map((group) => ({ ...group, tags: group.tags.filter((tag) => used.has(tag)) }))
        .filter((group) => group.tags.length > 0);
      spec.tags = (spec.tags ?? []).filter((tag) => used.has(tag.name));
      notes.push(`Left out ${empty.length} tag(s) without operations: ${empty.join(", ")}.`);
    } else {
      spec["x-tagGroups"] = groups;
    }
  }
  return { spec, notes };
}
