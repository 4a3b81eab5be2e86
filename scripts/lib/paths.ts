import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** Absolute paths of the project, independent of the working directory. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const specEntry = join(root, "openapi", "openapi.yaml");
export const redoclyConfig = join(root, "openapi", "redocly.yaml");
export const generatedDir = join(root, "generated");
export const bundledSpec = join(generatedDir, "openapi.json");
