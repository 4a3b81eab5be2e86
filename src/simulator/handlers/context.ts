/** What every operation handler gets: the validated request and the simulated world. */
import type { TokenRecord, OAuthServer } from "../auth.js";
import type { InternalClock } from "../clock.js";
import type { EventSink } from "../events.js";
import type { Random } from "../random.js";
import type { SimState } from "../state.js";
import type { Contract, OperationInfo } from "../validate.js";

/** One simulator's world: its state, clock, randomness, events and OAuth server. */
export interface World {
  readonly state: SimState;
  readonly clock: InternalClock;
  readonly random: Random;
  readonly events: EventSink;
  readonly oauth: OAuthServer;
  readonly contract: Contract;
}

export interface HandlerContext {
  readonly operation: OperationInfo;
  /** Path parameters, typed as the spec says (integers are numbers). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, string>>;
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, already validated against the operation's request schema (`{}` when absent). */
  readonly body: unknown;
  /** The token the request carried (undefined for the OAuth endpoints). */
  readonly token: TokenRecord | undefined;
  readonly world: World;
}

/** Answers an operation: returns the 200 body, or throws a `SimulatedError`. */
export type Handler = (context: HandlerContext) => unknown;

/** A path parameter as a string. */
export const param = (context: HandlerContext, name: string): string => String(context.params[name]);

/** The validated body, typed by the caller (the request schema was checked before the handler runs). */
export const bodyOf = <T>(context: HandlerContext): T => context.body as T;
