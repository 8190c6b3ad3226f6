/**
 * In-process executions by id, the backing of gcp-sim's Workflow Executions API: create (runs in the
 * background), get, list, cancel, and wait. Executions share one callback server, closed by close().
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../runtime/system-clock.ts';
import { CallbackHost } from './builtins/callback-host.ts';
import { runWorkflow, type ExecutionError, type ExecutionResult, type RunOptions } from './execution.ts';
import type { WorkflowProgram } from './model.ts';
import { loadWorkflow } from './program.ts';

export type ExecutionState = 'ACTIVE' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface ExecutionRecord {
  /** `projects/{p}/locations/{l}/workflows/{w}/executions/{id}` */
  name: string;
  id: string;
  workflowId: string;
  state: ExecutionState;
  /** JSON text of the argument, as the API carries it. */
  argument: string;
  /** JSON text of the result, when SUCCEEDED. */
  result?: string;
  error?: ExecutionError;
  startTime: string;
  endTime?: string;
  /** The finished run (history and logs) once the execution ends. */
  run?: ExecutionResult;
}

export interface ManagerOptions extends Omit<RunOptions, 'signal' | 'callbackHost' | 'identity'> {
  projectId?: string;
  location?: string;
  /** Most executions kept; the oldest finished ones are forgotten beyond it. */
  maxExecutions?: number;
}

interface Entry {
  record: ExecutionRecord;
  controller: AbortController;
  done: Promise<ExecutionRecord>;
}

export class WorkflowExecutionManager {
  private readonly workflows = new Map<string, WorkflowProgram>();
  private readonly executions = new Map<string, Entry>();
  private readonly callbacks: CallbackHost;

  constructor(private readonly options: ManagerOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.callbacks = new CallbackHost(() => clock.now());
  }

  /** Deploys (or replaces) a workflow from a loaded program or from source text. */
  deploy(workflowId: string, program: WorkflowProgram | string): WorkflowProgram {
    const loaded = typeof program === 'string' ? loadWorkflow(program, workflowId) : program;
    this.workflows.set(workflowId, loaded);
    return loaded;
  }

  hasWorkflow(workflowId: string): boolean {
    return this.workflows.has(workflowId);
  }

  /** Starts an execution; it runs in the background. Throws when the workflow is not deployed. */
  create(workflowId: string, argument: unknown = null): ExecutionRecord {
    const program = this.workflows.get(workflowId);
    if (!program) throw new Error(`workflow "${workflowId}" is not deployed`);
    const clock = this.options.clock ?? systemClock;
    const id = randomUUID();
    const projectId = this.options.projectId ?? 'local-project';
    const location = this.options.location ?? 'us-central1';
    const record: ExecutionRecord = {
      name: `projects/${projectId}/locations/${location}/workflows/${workflowId}/executions/${id}`,
      id,
      workflowId,
      state: 'ACTIVE',
      argument: JSON.stringify(argument ?? null),
      startTime: clock.now().toISOString(),
    };
    const controller = new AbortController();
    const done = runWorkflow(program, argument, {
      ...this.options,
      signal: controller.signal,
      callbackHost: this.callbacks,
      identity: { projectId, location, workflowId, executionId: id },
    }).then((run) => {
      record.state = run.state;
      record.endTime = run.endTime;
      record.run = run;
      if (run.state === 'SUCCEEDED') record.result = JSON.stringify(run.result ?? null);
      if (run.state === 'FAILED') record.error = run.error;
      return record;
    });
    this.executions.set(id, { record, controller, done });
    this.prune();
    return record;
  }

  get(id: string): ExecutionRecord | undefined {
    return this.executions.get(this.idOf(id))?.record;
  }

  list(workflowId?: string): ExecutionRecord[] {
    return [...this.executions.values()].map((e) => e.record).filter((r) => workflowId === undefined || r.workflowId === workflowId);
  }

  /** Requests cancellation; the execution stops at its next step or wait. */
  cancel(id: string): ExecutionRecord | undefined {
    const entry = this.executions.get(this.idOf(id));
    if (entry && entry.record.state === 'ACTIVE') entry.controller.abort();
    return entry?.record;
  }

  /** Resolves when the execution has ended. */
  async wait(id: string): Promise<ExecutionRecord> {
    const entry = this.executions.get(this.idOf(id));
    if (!entry) throw new Error(`execution "${id}" not found`);
    return entry.done;
  }

  /** The active callbacks of an execution (events.create_callback_endpoint), for callbacks.list; only while it runs. */
  listCallbacks(id: string): ReturnType<CallbackHost['list']> {
    const record = this.get(id);
    if (!record || record.state !== 'ACTIVE') return [];
    return this.callbacks.list(`/v1/${record.name}`);
  }

  /** Base URL of the callback server (undefined until an execution creates its first callback). */
  get callbackBaseUrl(): string | undefined {
    return this.callbacks.url;
  }

  /** Cancels what still runs and stops the callback server. */
  async close(): Promise<void> {
    for (const e of this.executions.values()) if (e.record.state === 'ACTIVE') e.controller.abort();
    await Promise.all([...this.executions.values()].map((e) => e.done));
    await this.callbacks.close();
  }

  private idOf(idOrName: string): string {
    return idOrName.includes('/') ? idOrName.slice(idOrName.lastIndexOf('/') + 1) : idOrName;
  }

  private prune(): void {
    const max = this.options.maxExecutions ?? 1000;
    if (this.executions.size <= max) return;
    for (const [id, e] of this.executions) {
      if (this.executions.size <= max) break;
      if (e.record.state !== 'ACTIVE') this.executions.delete(id);
    }
  }
}
