/**
 * Workflows on Workflow Executions v1 through `ExecutionsClient` (@google-cloud/workflows).
 * Arguments and results are JSON text on the wire; this adapter encodes and decodes them.
 */
import type { ExecutionsClient } from '@google-cloud/workflows';
import type { Execution, ExecutionState, Workflows } from '../../ports/workflows.ts';
import { PermanentError } from '../../runtime/errors.ts';
import { exportOf, gaxClient, gaxClientOptions, type GcpEndpointConfig } from './common/endpoint.ts';
import { callApi } from './common/errors.ts';

const WORKFLOW_ID = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
const WORKFLOW_NAME = /^projects\/[^/]+\/locations\/[^/]+\/workflows\/[^/]+$/;
const EXECUTION_NAME = /^(projects\/[^/]+\/locations\/[^/]+\/workflows\/[^/]+)\/executions\/[^/]+$/;
const STATES: readonly ExecutionState[] = ['STATE_UNSPECIFIED', 'ACTIVE', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'UNAVAILABLE', 'QUEUED'];

type Timestamp = { seconds?: unknown; nanos?: number | null } | null | undefined;
type WireExecution = {
  name?: string | null; state?: unknown; argument?: string | null; result?: string | null;
  error?: { payload?: string | null; context?: string | null } | null; startTime?: Timestamp; endTime?: Timestamp;
};

export class GcpWorkflows implements Workflows {
  // Imported on first use, like every gax client of the adapters (common/endpoint.ts gaxClient).
  private readonly client = gaxClient('workflowexecutions', async () => {
    const Client = exportOf(await import('@google-cloud/workflows'), 'ExecutionsClient');
    return new Client(gaxClientOptions(this.config) as ConstructorParameters<typeof ExecutionsClient>[0]);
  });

  // No clock: callers poll executions themselves (the follower), this adapter never waits.
  constructor(private readonly config: GcpEndpointConfig) {}

  async startExecution(workflow: string, argument: unknown): Promise<Execution> {
    const parent = this.workflowName(workflow);
    let encoded: string | undefined;
    try { encoded = argument === undefined ? undefined : JSON.stringify(argument); } catch (err) {
      throw new PermanentError(`workflows.executions.create: the argument cannot be JSON-encoded: ${(err as Error).message}`, { where: 'argument', code: 400 });
    }
    const [created] = await callApi('workflows.executions.create', async () => (await this.client()).createExecution({
      parent,
      execution: encoded === undefined ? {} : { argument: encoded },
    }));
    return toExecution(created);
  }

  async getExecution(name: string): Promise<Execution> {
    checkExecutionName(name);
    const [found] = await callApi('workflows.executions.get', async () => (await this.client()).getExecution({ name, view: 'FULL' }));
    return toExecution(found);
  }

  async listExecutions(workflow: string): Promise<Execution[]> {
    const parent = this.workflowName(workflow);
    const [list] = await callApi('workflows.executions.list', async () => (await this.client()).listExecutions({ parent, view: 'FULL' }, { autoPaginate: true }));
    return list.map(toExecution);
  }

  async cancelExecution(name: string): Promise<Execution> {
    checkExecutionName(name);
    const [cancelled] = await callApi('workflows.executions.cancel', async () => (await this.client()).cancelExecution({ name }));
    return toExecution(cancelled);
  }

  private workflowName(workflow: string): string {
    if (WORKFLOW_NAME.test(workflow)) return workflow;
    if (!WORKFLOW_ID.test(workflow)) {
      throw new PermanentError(`workflows: "${workflow}" is neither a workflow id nor projects/*/locations/*/workflows/*`, { where: 'workflow', code: 400 });
    }
    return `projects/${this.config.projectId}/locations/${this.config.region}/workflows/${workflow}`;
  }
}

function checkExecutionName(name: string): void {
  if (!EXECUTION_NAME.test(name)) {
    throw new PermanentError(`workflows: "${name}" is not an execution name (projects/*/locations/*/workflows/*/executions/*)`, { where: 'name', code: 400 });
  }
}

function decodeJson(text: string | null | undefined): unknown {
  if (text === undefined || text === null || text === '') return undefined;
  try { return JSON.parse(text); } catch { return text; }
}

function toDate(t: Timestamp): Date | undefined {
  if (!t || t.seconds === undefined || t.seconds === null) return undefined;
  return new Date(Number(String(t.seconds)) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000));
}

function toExecution(e: WireExecution): Execution {
  const name = e.name ?? '';
  const state = STATES.includes(e.state as ExecutionState) ? (e.state as ExecutionState) : 'STATE_UNSPECIFIED';
  return {
    name,
    workflow: EXECUTION_NAME.exec(name)?.[1] ?? '',
    state,
    ...(e.argument ? { argument: decodeJson(e.argument) } : {}),
    ...(e.result ? { result: decodeJson(e.result) } : {}),
    ...(e.error && (e.error.payload || e.error.context) ? { error: { payload: e.error.payload ?? '', ...(e.error.context ? { context: e.error.context } : {}) } } : {}),
    ...(toDate(e.startTime) ? { startTime: toDate(e.startTime) } : {}),
    ...(toDate(e.endTime) ? { endTime: toDate(e.endTime) } : {}),
  };
}
