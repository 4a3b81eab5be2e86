/** Vitest global setup of the runtime matrix: installs the pinned runtimes (once; then cached). */
import { installRuntimes } from "./install.ts";

export function setup(): void {
  installRuntimes();
}
