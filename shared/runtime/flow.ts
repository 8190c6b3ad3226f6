/**
 * What a flow plugs into the handler runtime. The runtime owns decoding, idempotency,
 * locking, run records, audit, dead letters and status events; a flow owns only `act`.
 */
import type { ControlPlaneEvent, DecodeOptions, FlowName, PubsubMessage } from '../events/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStore } from '../ports/object-store.ts';
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
  /** Where dead letters too large for the state store keep their full payload. */
  payloads?: { objects: ObjectStore; bucket: string };
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
  /**
   * True on the subscription's last delivery attempt: a transient failure now ends the run, so a
   * flow should undo (or record as pending cleanup) what it created instead of leaving it.
   */
  finalAttempt: boolean;
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
