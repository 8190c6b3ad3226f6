/**
 * What a flow plugs into the handler runtime. The runtime owns decoding, idempotency,
 * locking, run records, audit, dead letters and status events; a flow owns only `act`.
 * A flow is declared once (`FlowDeclaration`, in shared/flows/<name>/flow.ts); its function,
 * the container, the CLI, the examples and the Terraform and README checks derive from it.
 */
import type { z } from 'zod';
import type { GcpEndpointConfig } from '../adapters/gcp/common/endpoint.ts';
import type { ControlPlaneEvent, DecodeOptions, FlowName, PubsubMessage } from '../events/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { Publisher } from '../ports/publisher.ts';
import type { Run, RunStatus, RunStep, StateStore } from '../ports/state-store.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

export interface RuntimeDeps {
  config: Config;
  store: StateStore;
  publisher: Publisher;
  clock: Clock;
  logger: Logger;
}

export interface ActContext<D = unknown> {
  run: Run;
  message: PubsubMessage;
  deps: RuntimeDeps;
  /** Flow-specific dependencies (adapters), built once per instance by the composition root. */
  flowDeps: D;
  logger: Logger;
  /** Records a step's result on the run as it happens, so a resumed run sees what is done. */
  recordStep(step: Omit<RunStep, 'at'>): Promise<void>;
}

export type ActStatus = Extract<RunStatus, 'succeeded' | 'failed' | 'accepted' | 'suppressed' | 'awaiting-approval' | 'executing'>;

export interface ActOutcome {
  status: ActStatus;
  result?: unknown;
  /** Why: shown in the audit (e.g. "suppressed by cooldown until …"). */
  reason?: string;
  /** The status event published on cp-events; defaults to a generic RunStatus event. */
  statusEvent?: { kind: string; [field: string]: unknown };
  refs?: Record<string, string>;
}

export interface FlowDefinition<E extends ControlPlaneEvent = ControlPlaneEvent, D = unknown> {
  flow: FlowName;
  decode(message: PubsubMessage, options?: DecodeOptions): E;
  /** Who asked, for the audit trail. */
  actor(event: E): string;
  /** A summary of the input for the run record; must not contain secrets. */
  describe(event: E): unknown;
  /** Lease target; defaults to the event's `target`. Return null to run without a lock. */
  lockTarget?(event: E): string | null;
  act(event: E, ctx: ActContext<D>): Promise<ActOutcome>;
}

/** What a flow's `loadDeps` builds its adapters from: one per instance, made by the container. */
export interface FlowEnv {
  config: Config;
  clock: Clock;
  /** Where Google clients point (with the simulator auth a local run injects). */
  endpoint: GcpEndpointConfig;
}

/** A message format the flow accepts, for the README event catalog check (fields carry `.describe()`). */
export interface FlowMessage {
  kind: ControlPlaneEvent['kind'];
  /** The schema of the message data (or of the part at `path`). */
  schema: z.ZodType;
  /** Where the schema sits in the message data, e.g. `incident`; empty for the whole data. */
  path?: string;
  /** Validates the message attributes rather than the data. */
  attributes?: boolean;
}

/**
 * One flow, declared once. `FlowDefinition` is what the handler pipeline needs; the rest is
 * what the function registration, the container, the CLI and the consistency tests derive.
 */
export interface FlowDeclaration<E extends ControlPlaneEvent = ControlPlaneEvent, D = unknown, N extends FlowName = FlowName> extends FlowDefinition<E, D> {
  /** The flow's name: its key in TOPICS (so its topic) and in FLOWS. */
  flow: N;
  /** functions-framework target and Cloud Functions entry point (Terraform's `entry_point`). */
  functionName: string;
  /**
   * Builds the flow's adapters on its first delivery. A dynamic import inside, so a function's
   * instance loads only its own clients (importing a @google-cloud client is most of a cold start).
   */
  loadDeps(env: FlowEnv): Promise<D>;
  /** The messages on the flow's topic, with their zod schemas. */
  messages: readonly FlowMessage[];
  /** `stackctl publish <kind>`, and the example messages (files in examples/) for it. */
  cli: { kind: string; examples: readonly FlowExample[] };
}

/** An example message: a file in examples/ holding the data, and the attributes to send with it. */
export interface FlowExample {
  file: string;
  attributes?: Readonly<Record<string, string>>;
}

/** The deps of a flow that acts through no adapter (yet). */
export type NoDeps = Record<string, never>;
