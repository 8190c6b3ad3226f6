/**
 * Public entry of the Cloud Workflows engine:
 * - loadWorkflow(yamlText, sourceName?) → WorkflowProgram (validated; throws WorkflowValidationError listing
 *   each step name and reason);
 * - runWorkflow(program, argument, options) → ExecutionResult ({state, result | error, history, logs});
 * - WorkflowExecutionManager: in-process executions by id (create/get/list/cancel), for gcp-sim's Workflow
 *   Executions API.
 */
export { loadWorkflow, WorkflowValidationError, type LoadOptions, type ValidationIssue } from './program.ts';
export { runWorkflow, defaultIdentity, type ExecutionError, type ExecutionOutcome, type ExecutionResult, type RunOptions } from './execution.ts';
export { WorkflowExecutionManager, type ExecutionRecord, type ExecutionState, type ManagerOptions } from './manager.ts';
export type { WorkflowProgram } from './model.ts';
export type { StepRecord, LogEntry } from './history.ts';
export { DEFAULT_LIMITS, type Limits } from './limits.ts';
export { CallbackHost } from './builtins/callback-host.ts';
export type { ExecutionIdentity } from './builtins/types.ts';
export { CONNECTOR_METHODS } from './connectors/catalog.ts';
export { SIMULATED_SERVICES, type UnsupportedCall } from './support.ts';
