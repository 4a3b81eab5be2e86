/**
 * The rendered docs (docs/api/index.html, built by `npm run docs`) opened from disk in headless
 * Chromium. Everything is checked against the spec the file was built from, never against fixed
 * numbers: set CONNECT_DOCS_SPEC and CONNECT_DOCS_HTML to test another build.
 *
 * Screenshots go to test-results/docs/.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeSamples, sampleRequest, SAMPLE_LANGUAGES } from "../../scripts/lib/code-samples.ts";
import { docsHtml, introductionFile } from "../../scripts/docs.ts";
import { listWebhooks } from "../../scripts/lib/docs-bundle.ts";
import { bundledSpec, root } from "../../scripts/lib/paths.ts";
import { listOperations, type OpenApiDocument, type OperationEntry } from "../../scripts/lib/spec.ts";
import { launchChromium, staysLocal } from "./browser.ts";

const htmlPath = resolve(process.env.CONNECT_DOCS_HTML ?? docsHtml);
const specPath = resolve(process.env.CONNECT_DOCS_SPEC ?? bundledSpec);
const shots = join(root, "test-results", "docs");

const spec = JSON.parse(readFileSync(specPath, "utf8")) as OpenApiDocument;
const operations = listOperations(spec);
const webhooks = listWebhooks(spec);

/** What Redoc writes in the navigation for an operation: its summary, else its operationId. */
function navLabel(method: string, operation: { summary?: string; operationId?: string }, fallback: string): string {
  return `${method} ${operation.summary ?? operation.operationId ?? fallback}`;
}

interface NavItem {
  /** `METHOD summary`, as the entry shows it. */
  label: string;
  href: string;
  /** The link of the navigation group that lists it (collapsed groups render no children). */
  group: string;
}

/** The parts of a navigation element the page function uses (the DOM lib is not loaded here). */
interface MenuNode {
  className: string;
  textContent: string | null;
  querySelector(selector: string): MenuNode | null;
  querySelectorAll(selector: string): ArrayLike<MenuNode>;
  getAttribute(name: string): string | null;
  click(): void;
}

let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];
let nav: NavItem[] = [];

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/**
 * Every operation and callback entry of the navigation (Redoc lists both the same way). Redoc
 * renders a group's entries only while the group is open, and navigating may close other groups,
 * so each group is opened (a click on its link, as a reader would) and read right away.
 */
async function readNavigation(): Promise<NavItem[]> {
  const groups = await page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group').evaluateAll(async (nodes: MenuNode[]) => {
    const itemSelector = '[data-component-name="Menu/MenuItem"]';
    const out: { group: string; items: { className: string; label: string; method: string; href: string }[] }[] = [];
    for (const node of nodes) {
      const entries = (): MenuNode[] => Array.from(node.querySelector(":scope > div")?.querySelectorAll(itemSelector) ?? []);
      const link = node.querySelector(":scope > a");
      if (entries().length === 0) {
        link?.click();
        for (let wait = 0; wait < 100 && entries().length === 0; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      out.push({
        group: link?.getAttribute("href") ?? "",
        items: entries().map((entry) => ({
          className: entry.className,
          label: entry.querySelector("[data-text]")?.getAttribute("data-text") ?? "",
          method: entry.querySelector(".tag-http")?.textContent ?? "",
          href: entry.querySelector("a")?.getAttribute("href") ?? "",
        })),
      });
    }
    return out;
  });
  const seen = new Set<string>();
  const items: NavItem[] = [];
  for (const { group, items: entries } of groups) {
    for (const entry of entries) {
      if (!entry.className.split(/\s+/).includes("menu-item-type-operation") || seen.has(entry.href)) continue;
      seen.add(entry.href);
      items.push({ label: `${entry.method.toUpperCase()} ${entry.label}`, href: entry.href, group });
    }
  }
  return items;
}

/** The navigation link of an operation of the spec. */
function navItem(entry: OperationEntry): NavItem {
  const label = navLabel(entry.method, entry.operation, entry.path);
  let matches = nav.filter((item) => item.label === label);
  if (matches.length > 1 && entry.operation.operationId) {
    // Two operations with the same summary: Redoc's link ends with the lower-cased operationId.
    const suffix = `/${entry.operation.operationId.toLowerCase()}`;
    matches = matches.filter((item) => item.href.endsWith(suffix));
  }
  if (matches.length !== 1) throw new Error(`expected one navigation entry "${label}", found ${matches.length}`);
  return matches[0]!;
}

/** Opens an operation through its navigation link; resolves to its section of the page. */
async function openOperation(entry: OperationEntry): Promise<Locator> {
  const { href, group } = navItem(entry);
  const link = page.locator(`[data-component-name="Menu/MenuItem"] a[href="${href}"]`);
  if (!(await link.isVisible())) {
    await page.locator(`[data-component-name="Menu/MenuItem"].menu-item-type-group > a[href="${group}"]`).click();
  }
  await link.click();
  await expect.poll(() => new URL(page.url()).hash).toBe(href);
  const section = page.locator(`[id="${href.replace(/^#\//, "")}"]`);
  await section.locator("h2").first().waitFor();
  return section;
}

const sampleLabels = SAMPLE_LANGUAGES.map(({ label }) => label);

function languageDropdown(section: Locator): Locator {
  return section
    .locator('[data-component-name="Dropdown/Dropdown"]')
    .filter({ hasText: new RegExp(`^(${[...sampleLabels, "Payload"].join("|")})$`) });
}

async function selectLanguage(section: Locator, label: string): Promise<void> {
  const dropdown = languageDropdown(section);
  if ((await dropdown.innerText()).trim() === label) return;
  await dropdown.locator("button").click();
  await page.getByRole("menuitem", { name: label, exact: true }).click();
  await expect.poll(async () => (await dropdown.innerText()).trim()).toBe(label);
}

/** The request sample shown in an operation's right panel, with trailing spaces removed. */
async function shownSample(section: Locator): Promise<string> {
  return normalize(await section.locator('[data-testid="source-code"]').first().innerText());
}

function normalize(code: string): string {
  return code
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();
}

function expectedSample(entry: OperationEntry, label: string): string {
  const sample = codeSamples(spec, entry).find((candidate) => candidate.label === label);
  if (!sample) throw new Error(`no ${label} sample generated for ${entry.method} ${entry.path}`);
  return normalize(sample.source);
}

describe(`rendered docs ${htmlPath}`, () => {
  beforeAll(async () => {
    if (!existsSync(htmlPath)) {
      throw new Error(`${htmlPath} does not exist: run \`npm run docs\` first (\`npm run test:docs\` does).`);
    }
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.on("request", (request) => requests.push(request.url()));
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(htmlPath).href);
    await page.locator('[data-component-name="Menu/Menu"]').first().waitFor();
    await page
      .getByRole("heading", { level: 1, name: new RegExp(spec.info.title) })
      .first()
      .waitFor();
    await screenshot("01-overview");
    nav = await readNavigation();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lists every operation and event callback of the spec in the navigation", async () => {
    await page
      .locator('[data-component-name="Menu/Menu"]')
      .first()
      .screenshot({ path: join(shots, "02-navigation.png") });
    const specOperations = operations.map(({ method, path, operation }) => navLabel(method, operation, path));
    const specCallbacks = webhooks.map(({ method, name, operation }) => navLabel(method, operation, name));
    const shown = nav.map((item) => item.label).sort();

    expect(
      shown.length,
      `entries in the navigation vs. the spec's ${specOperations.length} operations and ${specCallbacks.length} event callbacks`,
    ).toBe(specOperations.length + specCallbacks.length);
    expect(shown).toEqual([...specOperations, ...specCallbacks].sort());
    // Operations alone: what is left once each callback's entry is taken out.
    const withoutCallbacks = [...shown];
    for (const label of specCallbacks) withoutCallbacks.splice(withoutCallbacks.indexOf(label), 1);
    expect(withoutCallbacks.length, "operations in the navigation vs. in the spec").toBe(specOperations.length);
  });

  it("shows the Deprecated badge on a deprecated operation, and not on a current one", async () => {
    const deprecated = operations.find(({ operation }) => operation.deprecated);
    if (!deprecated) {
      throw new Error(`The spec (${specPath}) has no deprecated operation, so the Deprecated badge cannot be checked.`);
    }
    const section = await openOperation(deprecated);
    const heading = section.locator("h2").first();
    await expect.poll(() => heading.innerText()).toContain(deprecated.operation.summary ?? "");
    expect(await heading.locator('[data-component-name="Tag/Tag"]').allInnerTexts()).toContain("Deprecated");
    await heading.scrollIntoViewIfNeeded();
    await screenshot("03-deprecated-operation");

    const current = operations.find(({ operation }) => !operation.deprecated);
    if (current) {
      const currentHeading = (await openOperation(current)).locator("h2").first();
      expect(await currentHeading.locator('[data-component-name="Tag/Tag"]').allInnerTexts()).not.toContain("Deprecated");
    }
  });

  it('finds "Create a delivery order" with the search box', async () => {
    const summary = "Create a delivery order";
    const target = operations.find(({ operation }) => operation.summary === summary);
    if (!target) {
      throw new Error(`The spec (${specPath}) has no operation whose summary is "${summary}", so search cannot be checked.`);
    }
    const { href } = navItem(target);
    await page.locator('[data-testid="search-trigger"]').click();
    const dialog = page.locator('[data-testid="search-dialog"]');
    await dialog.locator("input").fill(summary);
    const hit = dialog.locator(`[data-component-name="Search/SearchItem"][href="${href}"]`);
    await hit.waitFor();
    expect(await hit.innerText()).toContain(summary);
    await screenshot("04-search");
    await hit.click();
    await expect.poll(() => new URL(page.url()).hash).toBe(href);
    await expect
      .poll(() =>
        page
          .locator(`[id="${href.replace(/^#\//, "")}"] h2`)
          .first()
          .innerText(),
      )
      .toContain(summary);
  });

  it("shows the TypeScript sample by default, and the cURL sample, on operation pages", async () => {
    const withBody =
      operations.find(({ operation }) => operation.summary === "Create a delivery order") ??
      operations.find(({ operation }) => operation.requestBody);
    const userToken = operations.find((entry) => sampleRequest(spec, entry).token === "user");
    const picked = [...new Set([withBody ?? operations[0], userToken])].filter((entry) => entry !== undefined);
    expect(picked.length, "operations in the spec").toBeGreaterThan(0);

    for (const [index, entry] of picked.entries()) {
      const section = await openOperation(entry);
      if (index === 0) {
        expect((await languageDropdown(section).innerText()).trim(), "the default sample tab").toBe("TypeScript");
      }
      await selectLanguage(section, "TypeScript");
      const typescript = await shownSample(section);
      expect(typescript).toContain('from "instacart-connect"');
      expect(typescript).toContain(`.${entry.method}(${JSON.stringify(entry.path)}`);
      expect(typescript).toBe(expectedSample(entry, "TypeScript"));
      if (index === 0) await screenshot("05-typescript-sample");

      await selectLanguage(section, "cURL");
      const curl = await shownSample(section);
      expect(curl).toContain(`curl --request ${entry.method}`);
      expect(curl).toContain(sampleRequest(spec, entry).url);
      expect(curl).toBe(expectedSample(entry, "cURL"));
      if (index === 0) await screenshot("06-curl-sample");
    }
  });

  it("links the package's guides from the introduction, where it repeats them", async () => {
    const introduction = readFileSync(introductionFile, "utf8");
    const guides = [...introduction.matchAll(/\]\((https:\/\/[^)\s]+\/docs\/[\w-]+\.md)\)/g)].map((match) => match[1]!);
    expect(guides.length, "guide links in openapi/introduction.md").toBeGreaterThan(0);
    const shown = await page
      .locator('a[href*="/docs/"][href$=".md"]')
      .evaluateAll((nodes: { getAttribute(name: string): string | null }[]) => nodes.map((node) => node.getAttribute("href")));
    expect(new Set(shown)).toEqual(new Set(guides));
  });

  it("loads nothing from outside file:// and localhost, and runs without page errors", () => {
    expect(requests[0], "the first request is the file itself").toBe(pathToFileURL(htmlPath).href);
    expect(requests.filter((url) => !staysLocal(url))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
