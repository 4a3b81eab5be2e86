/**
 * Headless Chromium for the docs tests: Debian's `chromium` driven by playwright-core (never
 * `playwright install`). The flags keep Chromium from reaching Google's services on its own, so
 * every request the test sees comes from the page.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}. Install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether a request stays on this machine: the file itself, inline data, or a loopback server. */
export function staysLocal(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (["file:", "data:", "blob:", "about:"].includes(parsed.protocol)) return true;
  if (["http:", "https:", "ws:", "wss:"].includes(parsed.protocol)) return LOOPBACK_HOSTS.has(parsed.hostname);
  return false;
}
