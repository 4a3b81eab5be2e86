/**
 * The leak scan: everything the client produces during a test file (errors in every form, hook
 * arguments, deprecation infos, console / stderr / stdout output, process warnings) is collected as
 * text, then searched for the client secret and every token the fake servers issued.
 */
import { inspect } from "node:util";
import type { ConnectHooks, DeprecationInfo } from "../../../src/index.ts";
import { randomSecret } from "./random.ts";

export { randomSecret };

export interface Captured {
  /** Where the text came from (`error message`, `hook onRequest`, `stderr`, …). */
  readonly source: string;
  readonly text: string;
}

export interface Finding {
  readonly source: string;
  /** Which secret was found (`client secret`, `token #3`), never the value. */
  readonly secret: string;
  /** 60 characters around the hit, the secret itself replaced. */
  readonly context: string;
}

export interface LeakCollector {
  /** The client secret every client of the file uses. */
  readonly clientSecret: string;
  /** Collects an error as message, stack, String(), JSON and util.inspect (full depth, hidden fields). */
  error(error: unknown, source?: string): void;
  /** Collects any value as JSON and util.inspect (serialized when scanned: cheap enough for 10,000 calls). */
  value(source: string, value: unknown): void;
  /** Hooks that collect every argument they receive (and count the calls). */
  hooks(): { [K in keyof ConnectHooks]-?: NonNullable<ConnectHooks[K]> };
  /** An onDeprecation handler that collects every info. */
  onDeprecation(info: DeprecationInfo): void;
  /** Wraps console.*, process.stdout/stderr.write and process.emitWarning to collect their text (output still goes through). */
  spyOnOutput(): void;
  restoreOutput(): void;
  /** A secret value to look for (a token a fake server issued). */
  watch(label: string, value: string): void;
  /** Everything collected so far. */
  readonly captured: readonly Captured[];
  /** How many secrets are watched (the client secret included). */
  readonly watched: number;
  /** Searches everything collected for every watched secret. */
  scan(): Finding[];
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch (error) {
    return `[unserializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** Strings, numbers, booleans, null, undefined, and arrays and plain objects of them. */
function isPlainData(value: unknown, depth = 0): boolean {
  if (value === null || value === undefined) return true;
  const type = typeof value;
  if (type === "string" || type === "number" || type === "boolean") return true;
  if (type !== "object" || depth > 8) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.getOwnPropertySymbols(value).length > 0) return false;
  const keys = Object.getOwnPropertyNames(value);
  if (keys.length !== Object.keys(value).length) return false;
  return keys.every((key) => isPlainData((value as Record<string, unknown>)[key], depth + 1));
}

const deepInspect = (value: unknown): string => inspect(value, { depth: Infinity, showHidden: true, getters: true });

export function createLeakCollector(): LeakCollector {
  const clientSecret = randomSecret();
  const secrets = new Map<string, string>([[clientSecret, "client secret"]]);
  const captured: Captured[] = [];
  /** Values kept as they are and turned into text when scanned. */
  const deferred: { source: string; value: unknown }[] = [];
  const restorers: (() => void)[] = [];

  const push = (source: string, text: string): void => {
    captured.push({ source, text });
  };
  const materialize = (): void => {
    for (const { source, value } of deferred.splice(0)) {
      push(`${source} JSON`, safeJson(value));
      // JSON shows every character of plain data; anything else (classes, symbols, hidden fields) is inspected too.
      if (!isPlainData(value)) push(`${source} inspect`, deepInspect(value));
    }
  };

  const collector: LeakCollector = {
    clientSecret,
    error(error, source = "error") {
      if (error instanceof Error) {
        push(`${source} message`, error.message);
        push(`${source} stack`, String(error.stack));
        push(`${source} String()`, String(error));
        // The cause chain: inspect shows it, but its own stacks and messages are collected too.
        for (let cause: unknown = error.cause, depth = 0; cause !== undefined && depth < 6; depth++) {
          if (cause instanceof Error) {
            push(`${source} cause message`, cause.message);
            push(`${source} cause stack`, String(cause.stack));
            cause = cause.cause;
          } else {
            push(`${source} cause`, deepInspect(cause));
            break;
          }
        }
      }
      push(`${source} JSON`, safeJson(error));
      push(`${source} inspect`, deepInspect(error));
    },
    value(source, value) {
      deferred.push({ source, value });
    },
    hooks() {
      return {
        onRequest: (info) => collector.value("hook onRequest", info),
        onResponse: (info) => collector.value("hook onResponse", info),
        onRetry: (info) => {
          collector.value("hook onRetry", info);
          if (info.error) collector.error(info.error, "hook onRetry error");
        },
        onTokenRefresh: (info) => collector.value("hook onTokenRefresh", info),
      };
    },
    onDeprecation(info) {
      collector.value("onDeprecation", info);
    },
    spyOnOutput() {
      // Plain wrappers around whatever is there now (not vi.spyOn, which would share one spy between
      // nested collectors): each collector sees the output, and restoring unwinds in order.
      const wrap = <T extends object, K extends keyof T>(target: T, key: K, source: string, text: (args: unknown[]) => string): void => {
        const previous = target[key] as unknown as (...args: unknown[]) => unknown;
        target[key] = function wrapped(this: unknown, ...args: unknown[]) {
          push(source, text(args));
          return previous.apply(this, args);
        } as T[K];
        restorers.push(() => {
          target[key] = previous as T[K];
        });
      };
      const show = (args: unknown[]): string => args.map((arg) => (typeof arg === "string" ? arg : deepInspect(arg))).join(" ");
      for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) wrap(console, method, `console.${method}`, show);
      for (const stream of ["stdout", "stderr"] as const) {
        wrap(process[stream], "write", `process.${stream}`, ([chunk]) =>
          typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"),
        );
      }
      wrap(process, "emitWarning", "process.emitWarning", show);
      const onWarning = (warning: Error): void => collector.error(warning, "process warning event");
      process.on("warning", onWarning);
      restorers.push(() => process.off("warning", onWarning));
    },
    restoreOutput() {
      while (restorers.length > 0) restorers.pop()!();
    },
    watch(label, value) {
      if (value.length > 0 && !secrets.has(value)) secrets.set(value, label);
    },
    get captured() {
      materialize();
      return captured;
    },
    get watched() {
      return secrets.size;
    },
    scan() {
      materialize();
      const findings: Finding[] = [];
      for (const { source, text } of captured) {
        for (const [value, label] of secrets) {
          const at = text.indexOf(value);
          if (at === -1) continue;
          const context = text
            .slice(Math.max(0, at - 30), at + value.length + 30)
            .split(value)
            .join(`<${label}>`);
          findings.push({ source, secret: label, context });
        }
      }
      return findings;
    },
  };
  return collector;
}
