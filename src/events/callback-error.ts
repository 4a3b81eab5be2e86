import { ConnectError } from "../errors.js";

/** Why a callback body was refused. */
export type CallbackErrorReason = "malformed_json" | "invalid_envelope" | "invalid_payload";

/** A callback body that is not valid JSON, or whose envelope or known payload breaks the spec. */
export class ConnectCallbackError extends ConnectError {
  /** `malformed_json`, `invalid_envelope` (the fields every event has) or `invalid_payload` (a known event's own fields). */
  readonly reason: CallbackErrorReason;
  /** The offending field, e.g. `event_metadata.order_id` (validation errors). */
  readonly path: string | undefined;
  /** Offset in the decoded body where parsing failed (`malformed_json`). */
  readonly position: number | undefined;
  constructor(message: string, options: { reason: CallbackErrorReason; path?: string; position?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.reason = options.reason;
    this.path = options.path;
    this.position = options.position;
  }
}
