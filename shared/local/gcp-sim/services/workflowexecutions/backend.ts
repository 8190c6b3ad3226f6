/**
 * What the Workflow Executions simulator needs from a workflow engine. The sim owns the REST
 * surface (names, validation, views, pagination, enums); a backend owns running workflows.
 * The local engine (shared/local/workflow-engine) is adapted to this interface where the stack is
 * assembled; with no backend the sim answers 501.
 */
import type { Clock } from '../../../../ports/clock.ts';

/** What the hosting gcp-sim tells its backend when it registers: its clock and its own URL. */
export interface BackendContext {
  clock: Clock;
  baseUrl(): string;
}
export interface WorkflowRef {
  project: string;
  location: string;
  workflow: string;
}

export type BackendExecutionState = 'ACTIVE' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'QUEUED' | 'UNAVAILABLE';

export interface BackendExecution {
  /** The execution id (last segment of its name). */
  id: string;
  state: BackendExecutionState;
  /** The argument exactly as given (a JSON string), if any. */
  argument?: string;
  /** The workflow's return value, JSON-encoded, once SUCCEEDED. */
  result?: string;
  /** Set when FAILED (or CANCELLED): payload is the error as JSON text; context says where. */
  error?: { payload: string; context?: string };
  startTime: Date;
  endTime?: Date;
  workflowRevisionId?: string;
  labels?: Record<string, string>;
  /** Where a running execution is, for Execution.status.currentSteps. */
  currentSteps?: Array<{ routine: string; step: string }>;
}

export interface CreateExecutionInput {
  /** The argument as sent (JSON text), and its parsed value. */
  argumentJson?: string;
  argument: unknown;
  labels?: Record<string, string>;
  callLogLevel?: string;
}

export interface ExecutionBackend {
  /** Called once when the sim registers, before any request. */
  attach?(ctx: BackendContext): void;
  /** Starts an execution; throws ExecutionBackendError('NOT_FOUND') when the workflow is unknown. */
  create(workflow: WorkflowRef, input: CreateExecutionInput): Promise<BackendExecution>;
  get(workflow: WorkflowRef, id: string): Promise<BackendExecution | undefined>;
  /** Every execution of the workflow, in any order (the sim sorts newest first). */
  list(workflow: WorkflowRef): Promise<BackendExecution[]>;
  /** Cancels an ACTIVE execution; undefined when it does not exist. */
  cancel(workflow: WorkflowRef, id: string): Promise<BackendExecution | undefined>;
  summary?(): Record<string, number>;
  /** The active callbacks of an execution (callbacks.list); undefined when the execution does not exist. */
  listCallbacks?(workflow: WorkflowRef, id: string): Promise<BackendCallback[] | undefined>;
  /** Delivers an HTTP callback (a request to a callback's URL); undefined when there is no such callback. */
  sendCallback?(workflow: WorkflowRef, id: string, callback: string, request: { body: Buffer; contentType?: string }): Promise<{ status: number; body: string } | undefined>;
}

/** Callback (Workflow Executions v1): `name` is projects/…/executions/{id}/callbacks/{callback}. */
export interface BackendCallback {
  name: string;
  method: string;
  waiters: number;
  availablePayloads: string[];
}

export class ExecutionBackendError extends Error {
  constructor(readonly kind: 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION', message: string) {
    super(message);
  }
}
