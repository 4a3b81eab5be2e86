/**
 * Warnings the client prints: a Node.js process warning where there is a `process` (so
 * `--no-deprecation` and warning listeners work), `console.warn` elsewhere (browsers, workers).
 */
export function emitWarning(message: string, options: { type?: string; code: string }): void {
  const host = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
  if (typeof host?.emitWarning === "function") host.emitWarning(message, options);
  // biome-ignore lint/suspicious/noConsole: where there is no process, the console is how a runtime shows warnings.
  else console.warn(`${options.type ?? "Warning"} [${options.code}]: ${message}`);
}
