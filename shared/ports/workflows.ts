/** Workflow Executions, in domain terms. */
export type ExecutionState = 'STATE_UNSPECIFIED' | 'ACTIVE' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'UNAVAILABLE' | 'QUEUED';

export interface Execution {
  /** projects/{p}/locations/{l}/workflows/{w}/executions/{id} */
  name: string;
  workflow: string;
  state: ExecutionState;
  argument?: unknown;
  result?: unknown;
  error?: { payload: string; context?: string };
  startTime?: Date;
  endTime?: Date;
}

export interface Workflows {
  startExecution(workflow: string, argument: unknown): Promise<Execution>;
  getExecution(name: string): Promise<Execution>;
  listExecutions(workflow: string): Promise<Execution[]>;
  cancelExecution(name: string): Promise<Execution>;
}
