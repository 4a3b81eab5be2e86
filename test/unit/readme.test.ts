/**
 * The README and the guides say what the code does, and their links lead somewhere: the README
 * stays a short page for users with the sections they look for, its options table lists every
 * option of `createConnectClient`, its complete flow and its simulator example run, every link between
 * the documents reaches a file and a heading, the deprecations guide lists what the spec deprecates,
 * and CONTRIBUTING.md lists every npm script. (test/unit/docs-typecheck.test.ts type-checks the
 * code blocks.)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterEach, describe, expect, it, vi } from "vitest";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { createSimulator } from "../../src/simulator/index.ts";
import {
  anchors,
  codeBlocks,
  codeSpans,
  guideFiles,
  links,
  readMarkdown,
  section,
  sectionWithCode,
  tableRows,
  userMarkdownFiles,
} from "../support/markdown.ts";

const readme = readMarkdown("README.md");
/** Where the rendered docs' introduction links the guides (it is read as HTML, away from the repository). */
const REPOSITORY_BLOB = "https://github.com/instacart-connect/instacart-connect/blob/main/";

/** The names of `ConnectClientOptions`' properties, read from its declaration. */
function clientOptionNames(): string[] {
  const file = join(root, "src", "client", "options.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === "ConnectClientOptions",
  );
  if (!declaration) throw new Error("interface ConnectClientOptions not found in src/client/options.ts");
  return declaration.members.flatMap((member) => (member.name && ts.isIdentifier(member.name) ? [member.name.text] : []));
}

describe("README", () => {
  it("is a page for users of about 10 KB with the sections they look for", () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(12_500);
    for (const title of [
      "The two commands",
      "Install",
      "A complete flow",
      "Options",
      "Errors",
      "Event callbacks",
      "Testing offline",
      "Support matrix",
      "Guides",
    ]) {
      expect(section(readme, title), `a "## ${title}" section`).toBeDefined();
    }
    const commands = codeBlocks(sectionWithCode(readme, "The two commands") ?? "", "sh").join("\n");
    expect(commands).toMatch(/^npm start\b/m);
    expect(commands).toMatch(/^npm test\b/m);
  });

  it("lists every option of createConnectClient in its options table", () => {
    const listed = tableRows(readme, "Options", "option").flatMap(([option]) => codeSpans(option ?? ""));
    const options = clientOptionNames();
    expect(options.length).toBeGreaterThan(10);
    expect(options.filter((name) => !listed.includes(name))).toEqual([]);
  });

  it("links every guide in docs/", () => {
    const linked = new Set(links(readme).map((target) => target.split("#")[0]));
    expect(guideFiles().filter((guide) => !linked.has(guide))).toEqual([]);
  });
});

/** The module specifier of one of the package's entries, as its source file. */
const entrySource = (entry: string): string => JSON.stringify(pathToFileURL(join(root, "src", entry)).href);

describe("the README's examples run", () => {
  const file = join(root, "tmp", `readme-example-${process.pid}.ts`);
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(file, { force: true });
  });

  /** Runs one block of the README (imports pointed at src/), returning what it printed with console.log. */
  async function run(code: string): Promise<unknown[][]> {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, code);
    const printed: unknown[][] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(args));
    await import(`${pathToFileURL(file).href}?${Date.now()}`);
    return printed;
  }

  it("testing offline: a call through the simulator, in-process", async () => {
    const [example] = codeBlocks(sectionWithCode(readme, "Testing offline") ?? "", "ts");
    const code = example!
      .replace('from "instacart-connect/simulator"', `from ${entrySource("simulator/index.ts")}`)
      .replace('from "instacart-connect"', `from ${entrySource("index.ts")}`);
    expect(code).not.toContain('"instacart-connect');
    expect(await run(code)).toEqual([["ada", 2]]);
  });

  it("a complete flow against the simulator: token, user, stores, time slots, reserve, order, get", async () => {
    const sim = await createSimulator();
    try {
      const [flow] = codeBlocks(sectionWithCode(readme, "A complete flow") ?? "", "ts");
      // The same code with the simulator's URL and credentials.
      const code = flow!
        .replace('from "instacart-connect"', `from ${entrySource("index.ts")}`)
        .replace('server: "development"', `server: ${JSON.stringify(sim.url)}`)
        .replace('process.env.INSTACART_CLIENT_ID ?? ""', JSON.stringify(sim.clientId))
        .replace('process.env.INSTACART_CLIENT_SECRET ?? ""', JSON.stringify(sim.clientSecret));
      expect(code).toContain(sim.url);
      expect(code).toContain(JSON.stringify(sim.clientSecret));

      const printed = await run(code);

      expect(sim.requests.map((request) => request.operationId)).toEqual([
        "generateAccessToken",
        "createUser",
        "findDeliveryStores",
        "listDeliveryServiceOptions",
        "reserveServiceOption",
        "createDeliveryOrder",
        "getOrder",
      ]);
      expect(sim.requests.every((request) => request.status === 200)).toBe(true);
      expect(sim.orders).toHaveLength(1);
      expect(printed).toEqual([[sim.orders[0]!.order.id, sim.orders[0]!.order.status, expect.any(String)]]);
      expect(sim.violations).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});

describe("links between the documents", () => {
  const documents = [...userMarkdownFiles(), "CONTRIBUTING.md", "CHANGELOG.md", "openapi/introduction.md"];

  it.each(documents)("every relative link of %s reaches a file, and a heading when it names one", (document) => {
    const broken: string[] = [];
    for (const target of links(readMarkdown(document))) {
      const inRepository = target.startsWith(REPOSITORY_BLOB) ? target.slice(REPOSITORY_BLOB.length) : undefined;
      if (inRepository === undefined && /^[a-z]+:/i.test(target)) continue; // another site
      const [path = "", anchor] = (inRepository ?? target).split("#");
      const file = path === "" ? document : inRepository !== undefined ? path : normalize(join(dirname(document), path));
      if (relative(root, join(root, file)).startsWith("..")) {
        broken.push(`${target}: outside the repository`);
        continue;
      }
      let text: string;
      try {
        text = readFileSync(join(root, file), "utf8");
      } catch {
        broken.push(`${target}: no file ${file}`);
        continue;
      }
      if (anchor !== undefined && file.endsWith(".md") && !anchors(text).has(anchor))
        broken.push(`${target}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });

  it("the rendered docs' introduction links the guides it repeats", () => {
    const guides = links(readMarkdown("openapi/introduction.md")).filter((target) => target.startsWith(`${REPOSITORY_BLOB}docs/`));
    expect(guides.length).toBeGreaterThanOrEqual(4);
  });
});

describe("the deprecations guide", () => {
  const guide = readMarkdown("docs/deprecations.md");
  const spec = JSON.parse(readFileSync(bundledSpec, "utf8")) as {
    paths: Record<
      string,
      Record<
        string,
        { operationId?: string; deprecated?: boolean; "x-replaced-by"?: string; "x-deprecated-uses"?: { replacedBy?: string }[] }
      >
    >;
    components: { schemas: Record<string, { properties?: Record<string, { deprecated?: boolean; "x-replaced-by"?: string }> }> };
  };
  const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
  /** `first column → last column`, with the code spans of each. */
  const rows = (title: string, header: string): string[] =>
    tableRows(guide, title, header).map((cells) => `${codeSpans(cells[0] ?? "").join(" ")} → ${codeSpans(cells.at(-1) ?? "").join(" ")}`);

  it("lists every deprecated operation of the spec with its replacement, and nothing else", () => {
    const expected = operations.filter((op) => op.deprecated).map((op) => `${op.operationId} → ${op["x-replaced-by"] ?? ""}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows("Deprecated operations", "operation").sort()).toEqual(expected.sort());
  });

  it("lists every deprecated use of a current operation with its replacement", () => {
    const expected = operations.flatMap((op) =>
      (op["x-deprecated-uses"] ?? []).map((use) => `${op.operationId} → ${use.replacedBy ?? ""}`),
    );
    expect(rows("Deprecated uses of current operations", "operation (current)").sort()).toEqual(expected.sort());
  });

  it("lists every deprecated property of the spec's objects with its replacement", () => {
    const expected = Object.entries(spec.components.schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([, property]) => property.deprecated)
        .map(([property, { "x-replaced-by": replacedBy }]) => `${name}.${property} → ${replacedBy ?? ""}`),
    );
    const listed = rows("Deprecated fields", "field").filter((row) => /^\w+\.\w+ →/.test(row));
    expect(listed.sort()).toEqual(expected.sort());
  });
});

describe("CONTRIBUTING.md", () => {
  it("lists every npm script in its scripts table", () => {
    const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const listed = tableRows(readMarkdown("CONTRIBUTING.md"), "Scripts", "script").flatMap(([cell]) =>
      codeSpans(cell ?? "").flatMap((span) => span.replace(/^npm (run )?/, "")),
    );
    expect(Object.keys(scripts).filter((name) => !listed.includes(name))).toEqual([]);
  });
});
