/**
 * Answers and events checked against the schemas of the document itself, by JSON pointer, with one
 * Ajv: the document is registered once, so each component (the error envelope, Order, …) compiles
 * once for every response and event that uses it, and only when first needed.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv } from "ajv";
import formats from "ajv-formats";

type Json = Record<string, unknown>;

const DOCUMENT = "openapi.json";

/** `["paths", "/v2/x/{id}"]` → `/paths/~1v2~1x~1%7Bid%7D` (JSON pointer, escaped for a URI fragment). */
export function pointer(segments: readonly string[]): string {
  return segments.map((segment) => `/${encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"))}`).join("");
}

export const describeIssues = (errors: readonly ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((error) => `${error.instancePath || "(root)"} ${error.message ?? error.keyword}`);

export interface DocumentSchemas {
  /** Problems of `value` against the schema at `location` (segments of a JSON pointer into the document). */
  check(location: readonly string[], value: unknown): string[];
  /** Where the JSON schema of an operation's answer with `status` is, or undefined when the spec has none. */
  responseSchema(path: string, method: string, status: number): string[] | undefined;
}

export function createDocumentSchemas(document: Json): DocumentSchemas {
  const ajv = formats.default(new Ajv({ allErrors: true, strict: false }));
  ajv.addSchema(document, DOCUMENT);
  const validators = new Map<string, ValidateFunction>();
  const at = (segments: readonly string[]): unknown => segments.reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
  return {
    check(location, value) {
      const ref = `${DOCUMENT}#${pointer(location)}`;
      let validate = validators.get(ref);
      if (validate === undefined) {
        validate = ajv.compile({ $ref: ref });
        validators.set(ref, validate);
      }
      return validate(value) ? [] : describeIssues(validate.errors);
    },
    responseSchema(path, method, status) {
      const responses = at(["paths", path, method.toLowerCase(), "responses"]) as Json | undefined;
      const key = [String(status), `${String(status)[0]}XX`, "default"].find((candidate) => responses?.[candidate] !== undefined);
      if (responses === undefined || key === undefined) return undefined;
      const ref = (responses[key] as Json).$ref;
      const base =
        typeof ref === "string" && ref.startsWith("#/") ? ref.slice(2).split("/") : ["paths", path, method.toLowerCase(), "responses", key];
      const location = [...base, "content", "application/json", "schema"];
      return at(location) === undefined ? undefined : location;
    },
  };
}
