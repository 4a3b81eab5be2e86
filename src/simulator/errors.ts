/**
 * Instacart's error answers. Connect operations use the error envelope (conventions.md §6): one
 * error `{"error":{"message","code"},"meta":{"key"}}`, or code 9999 wrapping several. The two OAuth
 * endpoints use OAuth-style names instead (`{"error":"invalid_client"}`, auth.md). Handlers throw
 * `SimulatedError`; the request path turns it into the answer.
 *
 * Messages: "can't be blank", "is not included in the list", "is too long (maximum is N
 * characters)", "There were issues with your request" and the per-operation messages the reference
 * quotes are Instacart's; the others are the simulator's own wording (the docs do not publish them).
 */
import type { ValidationIssue } from "./validate.js";

export interface ErrorItem {
  error: { message: string; code?: number | null; errors?: ErrorItem[] };
  meta?: Record<string, string>;
}

/** An answer a handler gives by throwing: status, body and extra headers. */
export class SimulatedError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
    this.name = "SimulatedError";
  }
}

/** One Connect error: `{"error":{"message","code"},"meta":{"key"}}` (code and key optional). */
export function envelope(message: string, code?: number | null, key?: string): ErrorItem {
  const item: ErrorItem = { error: code === undefined ? { message } : { message, code } };
  if (key !== undefined) item.meta = { key };
  return item;
}

export const apiError = (status: number, message: string, code?: number | null, key?: string): SimulatedError =>
  new SimulatedError(status, envelope(message, code, key));

/** 400, code 1001 (invalid parameter), naming the field. */
export const invalidParameter = (key: string, message: string): SimulatedError => apiError(400, message, 1001, key);

/** 404 "Resource not found", code 4000 (conventions.md §6.4). */
export const notFound = (message = "Resource not found"): SimulatedError => apiError(404, message, 4000);

/** 400 code 4001 "invalid request": the order is not in a state that allows this (simulator wording). */
export const invalidRequest = (message: string): SimulatedError => apiError(400, message, 4001);

/** An OAuth error (auth.md): string names, not the envelope. */
export const oauthError = (status: number, error: string, description?: string): SimulatedError =>
  new SimulatedError(status, description === undefined ? { error } : { error, error_description: description });

/** `/requestBody/items/0/item` → `items[0].item`; `/path/user_id` → `user_id`. */
export function fieldKey(instancePath: string, property?: string): string {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  const [, ...rest] = parts; // requestBody | path | query | header
  if (property !== undefined) rest.push(property);
  let key = "";
  for (const part of rest) key += /^\d+$/.test(part) ? `[${part}]` : key === "" ? part : `.${part}`;
  return key;
}

function message(issue: ValidationIssue): string {
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case "required":
      return "can't be blank";
    case "minLength":
      return params.limit === 1 ? "can't be blank" : `is too short (minimum is ${String(params.limit)} characters)`;
    case "maxLength":
      return `is too long (maximum is ${String(params.limit)} characters)`;
    case "enum":
    case "const":
      return "is not included in the list";
    case "type":
      return `must be ${String(params.type)
        .split(",")
        .map((type) => (type === "null" ? "null" : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`))
        .join(" or ")}`;
    case "additionalProperties":
      return "is not a known parameter";
    case "false schema":
      return "is not accepted here";
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum":
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case "maxItems":
      return `is too long (maximum is ${String(params.limit)} items)`;
    default:
      return "is invalid";
  }
}

/** Combinators whose branch errors say little: one "is invalid" at their place replaces them. */
const COMBINATORS = new Set(["oneOf", "anyOf", "not"]);

/** Ajv's issues → one error per field, in Instacart's words. */
export function fieldErrors(issues: readonly ValidationIssue[]): ErrorItem[] {
  const combinators = issues.filter((issue) => COMBINATORS.has(issue.keyword)).map((issue) => issue.schemaPath);
  const inside = (issue: ValidationIssue): boolean =>
    combinators.some((path) => issue.schemaPath !== path && issue.schemaPath.startsWith(`${path}/`));
  const seen = new Set<string>();
  const items: ErrorItem[] = [];
  for (const issue of issues) {
    // `if` only says that its `then` failed: the `then` errors name the field.
    if (issue.keyword === "if" || inside(issue)) continue;
    const params = issue.params as Record<string, unknown>;
    const property =
      issue.keyword === "required"
        ? String(params.missingProperty)
        : issue.keyword === "additionalProperties"
          ? String(params.additionalProperty)
          : undefined;
    const key = fieldKey(issue.instancePath, property);
    const text = message(issue);
    if (seen.has(`${key}\u0000${text}`)) continue;
    seen.add(`${key}\u0000${text}`);
    items.push(key === "" ? envelope(text, 1001) : envelope(text, 1001, key));
  }
  return items;
}

/** 400 with one error (code 1001) or several (code 9999, "There were issues with your request"). */
export function validationError(issues: readonly ValidationIssue[]): SimulatedError {
  const items = fieldErrors(issues);
  if (items.length === 1) return new SimulatedError(400, items[0]);
  return new SimulatedError(400, { error: { message: "There were issues with your request", code: 9999, errors: items }, meta: {} });
}
