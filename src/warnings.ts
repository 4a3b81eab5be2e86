/**
 * Warnings the client prints: a Node.js process warning where there is a `process` (so
 * `--no-deprecation` and warning listeners work), `console.warn` elsewhere (browsers, workers).
 * Printing a warning never throws: a warning must not break the call it is about.
 */
export function emitWarning(message: string, options: { type?: string; code: string }): void {
  const host = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
  try {
    if (typeof host?.emitWarning === "function") {
      host.emitWarning(message, options);
      return;
    }
  } catch {
    // `--throw-deprecation` (or a replaced `emitWarning`) throws: the console shows it instead.
  }
  try {
    // biome-ignore lint/suspicious/noConsole: where there is no process, the console is how a runtime shows warnings.
    console.warn(`${options.type ?? "Warning"} [${options.code}]: ${message}`);
  } catch {
    // No console to show it on: nothing else can.
  }
}
