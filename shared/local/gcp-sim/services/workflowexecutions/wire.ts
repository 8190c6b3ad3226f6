/** Execution resource JSON (https://cloud.google.com/workflows/docs/reference/executions/rest/v1/projects.locations.workflows.executions). */
import { EnumType } from '../monitoring/enum-encoding.ts';
import type { BackendExecution, WorkflowRef } from './backend.ts';

export const EXECUTION_STATE = new EnumType('google.cloud.workflows.executions.v1.Execution.State', {
  STATE_UNSPECIFIED: 0, ACTIVE: 1, SUCCEEDED: 2, FAILED: 3, CANCELLED: 4, UNAVAILABLE: 5, QUEUED: 6,
});
export const EXECUTION_VIEW = new EnumType('google.cloud.workflows.executions.v1.ExecutionView', {
  EXECUTION_VIEW_UNSPECIFIED: 0, BASIC: 1, FULL: 2,
});
export const CALL_LOG_LEVEL = new EnumType('google.cloud.workflows.executions.v1.Execution.CallLogLevel', {
  CALL_LOG_LEVEL_UNSPECIFIED: 0, LOG_ALL_CALLS: 1, LOG_ERRORS_ONLY: 2, LOG_NONE: 3,
});

export function executionName(w: WorkflowRef, id: string): string {
  return `projects/${w.project}/locations/${w.location}/workflows/${w.workflow}/executions/${id}`;
}

function duration(start: Date, end: Date): string {
  return `${((end.getTime() - start.getTime()) / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}

/**
 * BASIC carries only name, startTime, endTime, duration, state and workflowRevisionId;
 * FULL carries everything.
 */
export function executionJson(w: WorkflowRef, e: BackendExecution, view: 'BASIC' | 'FULL', asInt: boolean, callLogLevel = 'CALL_LOG_LEVEL_UNSPECIFIED'): Record<string, unknown> {
  const basic: Record<string, unknown> = {
    name: executionName(w, e.id),
    startTime: e.startTime.toISOString(),
    ...(e.endTime ? { endTime: e.endTime.toISOString(), duration: duration(e.startTime, e.endTime) } : {}),
    state: EXECUTION_STATE.encode(e.state, asInt),
    workflowRevisionId: e.workflowRevisionId ?? '000001-sim',
  };
  if (view === 'BASIC') return basic;
  return {
    ...basic,
    ...(e.argument !== undefined ? { argument: e.argument } : {}),
    ...(e.result !== undefined ? { result: e.result } : {}),
    ...(e.error ? { error: { payload: e.error.payload, context: e.error.context ?? '' } } : {}),
    callLogLevel: CALL_LOG_LEVEL.encode(callLogLevel as never, asInt),
    ...(e.labels && Object.keys(e.labels).length ? { labels: e.labels } : {}),
    ...(e.currentSteps?.length ? { status: { currentSteps: e.currentSteps } } : {}),
  };
}
