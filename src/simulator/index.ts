/**
 * `instacart-connect/simulator`: a stateful, offline Instacart Connect for tests. It serves the
 * bundled spec over HTTP on loopback and in-process, validates every request and answer against it,
 * keeps users, orders, holds and sandbox batches, runs OAuth on its own clock, and posts event
 * callbacks to the retailer's receiver. This entry is its own module graph: the package root never
 * loads it (nor openapi-backend and Ajv, which it needs).
 */
import { createOAuthServer } from "./auth.js";
import { createCallbackQueue } from "./callbacks.js";
import { createClock, type SimulatorClock } from "./clock.js";
import { createDispatcher } from "./dispatch.js";
import { createEventSink } from "./events.js";
import { createFaults, type Faults } from "./faults.js";
import type { World } from "./handlers/context.js";
import { handlerTable } from "./handlers/index.js";
import { DEFAULT_STORES } from "./handlers/stores.js";
import { checkOptions, type SimulatorOptions } from "./options.js";
import { createRandom } from "./random.js";
import { createLog, type ContractViolation, type RecordedEvent, type RecordedRequest } from "./record.js";
import { inProcessFetch, listen, type Hangs, type HttpServer, type SimulatorFetch } from "./server.js";
import { snapshot, type SimulatorOrder } from "./snapshot.js";
import { createState, resetState } from "./state.js";
import { loadContract } from "./validate.js";

export type { CallbackOptions } from "./callbacks.js";
export type { ClockOptions, SimulatorClock } from "./clock.js";
export type { FaultHandle, FaultKind, FaultRule, Faults } from "./faults.js";
export type { SimulatorLimits, SimulatorOptions } from "./options.js";
export type { ContractViolation, DeliveryAttempt, DeliveryStatus, EventDelivery, RecordedEvent, RecordedRequest } from "./record.js";
export type { SimulatorFetch } from "./server.js";
export type { SimulatorOrder } from "./snapshot.js";
export type { SimulatorStore } from "./state.js";

export interface Simulator {
  /** `http://127.0.0.1:<port>`: give it to `createConnectClient({ server })`. */
  readonly url: string;
  /** The same simulator without a socket: `createConnectClient({ server: sim.url, fetch: sim.fetch })`. */
  readonly fetch: SimulatorFetch;
  /** The credentials it accepts. */
  readonly clientId: string;
  readonly clientSecret: string;
  readonly clock: SimulatorClock;
  readonly faults: Faults;
  /** Requests received, oldest first (bodies with secrets redacted). */
  readonly requests: readonly RecordedRequest[];
  /** Event callbacks produced, with their delivery attempts. */
  readonly events: readonly RecordedEvent[];
  /** Answers or events that did not match the spec (should stay empty). */
  readonly violations: readonly ContractViolation[];
  /** Every order as the API shows it, with its post-checkout state and line items. */
  readonly orders: readonly SimulatorOrder[];
  /** Which operations keep state and which answer with the spec's example. */
  readonly operations: readonly { operationId: string; answer: "stateful" | "example" }[];
  /**
   * Resolves when no callback delivery is pending: it delivers everything now, retries included,
   * without waiting for their backoff and without moving the clock. Rejects after `timeout` ms
   * (default 30 000) of real time.
   */
  settle(options?: { timeout?: number }): Promise<void>;
  /**
   * Sends a recorded event again, as a new delivery with the same `event_id` (like resending a
   * webhook from a dashboard): a receiver must process it once. Throws for an event that is not sent.
   */
  resend(eventId: string): void;
  /** Forgets users, orders, tokens and logs (stores, clock and faults stay). */
  reset(): void;
  /** Stops the HTTP server, releases hanging requests and stops callback deliveries. */
  close(): Promise<void>;
}

/** Everything one simulator is made of, before it listens. */
async function assemble(options: SimulatorOptions) {
  const contract = await loadContract();
  const limits = { maxRecords: 10_000, maxLogEntries: 10_000, maxBodyBytes: 1024 * 1024, maxTokens: 10_000, ...options.limits };
  const clock = createClock(options.clock);
  const random = createRandom(options.seed ?? 1);
  const clientId = options.clientId ?? "simulator-client-id";
  const clientSecret = options.clientSecret ?? "simulator-client-secret";
  const logs = {
    requests: createLog<RecordedRequest>(limits.maxLogEntries),
    events: createLog<RecordedEvent>(limits.maxLogEntries),
    violations: createLog<ContractViolation>(limits.maxLogEntries),
  };
  const queue = options.callbacks ? createCallbackQueue(options.callbacks, clock, random) : undefined;
  const scopes = options.scopes ?? contract.scopes;
  const oauth = createOAuthServer(
    { clientId, clientSecret, scopes, tokenLifetime: options.tokenLifetime ?? 86_400, maxTokens: limits.maxTokens },
    contract,
    random,
    clock.now,
  );
  const deliver = queue && ((event: RecordedEvent) => queue.enqueue(event));
  const events = createEventSink({ contract, clock, random, log: logs.events, violations: logs.violations, deliver });
  const world: World = { state: createState(options.stores ?? DEFAULT_STORES, limits.maxRecords), clock, random, events, oauth, contract };
  const faults = createFaults(random, options.faults);
  const handlers = handlerTable(contract);
  const dispatch = createDispatcher({
    world,
    handlerFor: handlers.handlerFor,
    decideFaults: (operationId) => faults.decide(operationId),
    requests: logs.requests,
    violations: logs.violations,
    validateResponses: options.validateResponses ?? true,
    maxBodyBytes: limits.maxBodyBytes,
  });
  return { clientId, clientSecret, logs, queue, world, faults, handlers, dispatch };
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options);
  const { clientId, clientSecret, logs, queue, world, faults, handlers, dispatch } = await assemble(options);
  const hangs: Hangs = new Set();
  let closed = false;
  const server: HttpServer | undefined = options.listen === false ? undefined : await listen(dispatch, options.port ?? 0, hangs);
  return {
    url: server?.url ?? "http://127.0.0.1",
    fetch: inProcessFetch(dispatch, hangs, () => closed),
    clientId,
    // A getter: `util.inspect(sim)` and test-runner dumps show [Getter], not the secret.
    get clientSecret() {
      return clientSecret;
    },
    clock: world.clock,
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    get requests() {
      return logs.requests.entries();
    },
    get events() {
      return logs.events.entries();
    },
    get violations() {
      return logs.violations.entries();
    },
    get orders() {
      return [...world.state.orders.values()].map(snapshot);
    },
    operations: [...handlers.answers].map(([operationId, answer]) => ({ operationId, answer })),
    settle: async ({ timeout = 30_000 } = {}) => queue?.settle(timeout),
    resend(eventId) {
      const event = logs.events.entries().find((candidate) => candidate.eventId === eventId);
      if (event === undefined) throw new RangeError(`sim.resend: no recorded event ${eventId}`);
      if (event.notSent !== undefined || queue === undefined)
        throw new RangeError(`sim.resend: event ${eventId} is not sent: ${event.notSent ?? "no callbacks"}`);
      queue.resend(event);
    },
    reset() {
      resetState(world.state);
      world.oauth.clear();
      for (const log of Object.values(logs)) log.clear();
    },
    async close() {
      if (closed) return;
      closed = true;
      queue?.close();
      for (const release of hangs) release();
      hangs.clear();
      await server?.close();
    },
  };
}
