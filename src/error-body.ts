/**
 * What an error response says: Instacart's error envelope (single and multiple errors, and the OAuth
 * form), and the request violations a Prism mock lists in its `sl-violations` header.
 */

/** One problem of Instacart's error envelope. */
export interface ConnectErrorItem {
  readonly message: string;
  /** Instacart's error code (`1001` invalid parameter, `4000` not found, …); `null` on some errors. */
  readonly code: number | null | undefined;
  /** `meta.key`: the request field the error is about. */
  readonly key: string | undefined;
  /** The whole `meta` object (some errors carry other keys). */
  readonly meta: Readonly<Record<string, unknown>> | undefined;
}

/** A problem a mock server found in the request (Prism's `sl-violations` header), e.g. `body.first_name` / `is required`. */
export interface SpecViolation {
  /** Where: `body.first_name`, `body.items[0].count`, `query.limit`, … */
  readonly field: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toItem(envelope: unknown): ConnectErrorItem | undefined {
  if (!isRecord(envelope) || !isRecord(envelope.error)) return undefined;
  const { message, code } = envelope.error;
  const meta = isRecord(envelope.meta) ? envelope.meta : undefined;
  return {
    message: typeof message === "string" ? message : "",
    code: typeof code === "number" || code === null ? code : undefined,
    key: typeof meta?.key === "string" ? meta.key : undefined,
    meta,
  };
}

/**
 * The problem an error body names: Instacart's envelope `{ error: { message, code }, meta: { key } }`,
 * or the OAuth form `{ error: "name", error_description }`. Undefined for anything else.
 */
export function parseErrorItem(body: unknown): ConnectErrorItem | undefined {
  if (!isRecord(body) || typeof body.error !== "string") return toItem(body);
  const description = typeof body.error_description === "string" ? body.error_description : undefined;
  return { message: description ? `${body.error}: ${description}` : body.error, code: undefined, key: body.error, meta: undefined };
}

/**
 * Reads an error body (see `parseErrorItem`) and, in Instacart's multiple-errors form (code 9999),
 * the single-error envelope of each problem in `error.errors`. Returns undefined for anything else.
 */
export function parseErrorBody(body: unknown): { item: ConnectErrorItem; errors: ConnectErrorItem[] } | undefined {
  const item = parseErrorItem(body);
  if (item === undefined) return undefined;
  const nested = isRecord(body) && isRecord(body.error) && Array.isArray(body.error.errors) ? body.error.errors : [];
  return { item, errors: nested.map(toItem).filter((e): e is ConnectErrorItem => e !== undefined) };
}

/** `Request body property order_id must be string` → `must be string` (the field is named separately). */
const PRISM_SUBJECT = /^Request (?:body|query|header|path|cookie)(?: parameter)?(?: property)? (?:\S+ )?(?=(?:must|should|is|has)\b)/;
/** Violations read from one header at most (a mock lists a handful; the header is bounded by the server anyway). */
const MAX_VIOLATIONS = 20;

function violationOf(entry: unknown): SpecViolation | undefined {
  if (!isRecord(entry) || typeof entry.message !== "string" || (entry.severity !== undefined && entry.severity !== "Error"))
    return undefined;
  const location = Array.isArray(entry.location) ? entry.location.map(String) : [];
  const parts = location[0] === "request" ? location.slice(1) : location;
  let field = parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
  if (entry.code === "required") {
    // Prism names the missing property only in its message: "… must have required property 'first_name'".
    const missing = /required property '([^']+)'/.exec(entry.message)?.[1];
    if (missing !== undefined) return { field: field ? `${field}.${missing}` : missing, message: "is required" };
  }
  field ||= "request";
  return { field, message: entry.message.replace(PRISM_SUBJECT, "") };
}

/**
 * The request violations of Prism's `sl-violations` header (`[{ location, severity, code, message }]`),
 * errors only; empty when the header is absent or unreadable.
 */
export function parseViolations(header: string | null): SpecViolation[] {
  if (header === null) return [];
  let entries: unknown;
  try {
    entries = JSON.parse(header);
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries
    .slice(0, MAX_VIOLATIONS)
    .map(violationOf)
    .filter((v): v is SpecViolation => v !== undefined);
}
