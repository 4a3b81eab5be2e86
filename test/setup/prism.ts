/**
 * Vitest global setup: one Prism mock for the whole run, started from generated/openapi.json on a
 * free port, ready when its own output says so, and killed by its PID in teardown.
 */
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startPrism } from "../../scripts/lib/prism.ts";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

/** Vitest calls the `setup` export, and the function it returns as teardown. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism();
  project.provide("prismUrl", prism.url);
  return async () => {
    await prism.stop();
  };
}
