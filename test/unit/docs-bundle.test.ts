import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CALLBACKS_TAG, docsBundle, renderIntroduction, type TagGroup } from "../../scripts/lib/docs-bundle.ts";
import { root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument } from "../../scripts/lib/spec.ts";

function operation(operationId: string, tag: string | undefined): Record<string, unknown> {
  return {
    operationId,
    summary: operationId,
    ...(tag ? { tags: [tag] } : {}),
    security: [{ connectOAuth: ["connect:fulfillment"] }],
    "x-grant-types": ["client_credentials"],
    responses: { "200": { description: "OK" } },
  };
}

function miniSpec(): OpenApiDocument {
  return {
    openapi: "3.1.0",
    info: { title: "Instacart Connect API", version: "1", description: "About the API." },
    servers: [
      { url: "https://connect.instacart.com", "x-server-name": "production" },
      { url: "https://connect.dev.instacart.tools", "x-server-name": "development" },
    ],
    tags: [
      { name: "Users", description: "u" },
      { name: "Stores", description: "s" },
      { name: "Chat", description: "c" },
    ],
    "x-tagGroups": [
      { name: "Fulfillment", tags: ["Stores", "Users"] },
      { name: "Post-checkout", tags: ["Chat"] },
    ],
    paths: { "/v2/fulfillment/users": { post: operation("createUser", "Users") } },
    webhooks: {
      brandNew: { post: operation("onBrandNew", undefined) },
      chatMessage: { post: operation("onChatMessage", "Chat") },
    },
  };
}

describe("docsBundle", () => {
  it("adds one sample per language to every operation and leaves its input untouched", () => {
    const source = miniSpec();
    const before = JSON.stringify(source);
    const { spec } = docsBundle(source, "# Intro\n");
    expect(JSON.stringify(source)).toBe(before);
    for (const { operation } of listOperations(spec)) {
      expect((operation["x-codeSamples"] as { label: string }[]).map(({ label }) => label)).toEqual([
        "TypeScript",
        "cURL",
        "Java",
        "Python",
        "Go",
      ]);
    }
  });

  it("appends the introduction to info.description", () => {
    const { spec } = docsBundle(miniSpec(), "<!-- a note for editors -->\n# Servers\n\nText.\n");
    expect(spec.info.description).toBe("About the API.\n\n# Servers\n\nText.\n");
  });

  it("groups callbacks that no tag group lists, so Redoc shows them", () => {
    const { spec, notes } = docsBundle(miniSpec(), "");
    const brandNew = (spec.webhooks?.brandNew?.post ?? {}) as { tags?: string[] };
    expect(brandNew.tags).toEqual([CALLBACKS_TAG.name]);
    expect(spec["x-tagGroups"]).toContainEqual({ name: CALLBACKS_TAG.name, tags: [CALLBACKS_TAG.name] });
    expect(spec.tags?.map((tag) => tag.name)).toContain(CALLBACKS_TAG.name);
    expect(notes.join("\n")).toContain("1 event callback(s)");
  });

  it("leaves tags without operations or callbacks out of the navigation", () => {
    const { spec, notes } = docsBundle(miniSpec(), "");
    const groups = spec["x-tagGroups"] as TagGroup[];
    expect(groups.find((group) => group.name === "Fulfillment")?.tags).toEqual(["Users"]);
    expect(spec.tags?.map((tag) => tag.name)).not.toContain("Stores");
    expect(notes.join("\n")).toContain("Stores");
  });

  it("refuses an operation that no tag group lists (Redoc would hide it)", () => {
    const source = miniSpec();
    source.paths!["/v2/fulfillment/stores/delivery"] = { post: operation("findDeliveryStores", "Unlisted") };
    expect(() => docsBundle(source, "")).toThrow(/POST \/v2\/fulfillment\/stores\/delivery/);
  });
});

describe("renderIntroduction", () => {
  it("replaces spec:servers with the spec's named servers", () => {
    const out = renderIntroduction("Before\n<!-- spec:servers -->\nAfter", miniSpec());
    expect(out).toContain("| `production` | `https://connect.instacart.com` |");
    expect(out).toContain("| `development` | `https://connect.dev.instacart.tools` |");
    expect(out).not.toContain("<!--");
  });

  it("refuses a generated section it does not know", () => {
    expect(() => renderIntroduction("<!-- spec:scopes -->", miniSpec())).toThrow(/spec:scopes/);
  });

  it("renders the project's introduction without leftover comments", () => {
    const markdown = readFileSync(join(root, "openapi", "introduction.md"), "utf8");
    const out = renderIntroduction(markdown, miniSpec());
    expect(out).not.toMatch(/<!--|-->/);
    expect(out.startsWith("# ")).toBe(true);
  });
});
