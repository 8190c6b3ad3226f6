/**
 * The documented system limits of Cloud Workflows ("Quotas and limits"), enforced by the loader and interpreter.
 * Values are Google's; the `Limits` object lets tests lower them to exercise the errors cheaply.
 */
export interface Limits {
  /** Assignments in one assign step (deploy-time). */
  maxAssignmentsPerStep: number;
  /** Conditions in one switch step (deploy-time). */
  maxSwitchConditions: number;
  /** Branches in one parallel step (deploy-time). */
  maxParallelBranches: number;
  /** Nesting of parallel steps inside parallel steps (deploy-time → ParallelNestingError). */
  maxParallelNesting: number;
  /** Characters in one expression (deploy-time). */
  maxExpressionLength: number;
  /** Size of the workflow source (deploy-time). */
  maxSourceBytes: number;
  /** Subworkflow call depth (runtime → RecursionError). */
  maxCallStackDepth: number;
  /** Steps executed in one execution (runtime → ResourceLimitError). */
  maxStepsPerExecution: number;
  /** Total memory of all variables, arguments and events of one execution (runtime → ResourceLimitError). */
  maxVariableMemoryBytes: number;
  /** Length of a single string value (runtime → ResourceLimitError). */
  maxStringBytes: number;
  /** HTTP response size (runtime → ResourceLimitError). */
  maxHttpResponseBytes: number;
  /** Execution argument size (runtime → ResourceLimitError at start). */
  maxArgumentBytes: number;
  /** Result size (runtime → ResourceLimitError). */
  maxResultBytes: number;
  /** Concurrent branches/iterations of one parallel step. */
  maxConcurrentBranches: number;
  /** Unhandled exceptions kept per parallel step under continueAll. */
  maxUnhandledBranchErrors: number;
  /** Upper bound of an http.* timeout in seconds. */
  maxHttpTimeoutSeconds: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxAssignmentsPerStep: 50,
  maxSwitchConditions: 50,
  maxParallelBranches: 10,
  maxParallelNesting: 2,
  maxExpressionLength: 400,
  maxSourceBytes: 128 * 1024,
  maxCallStackDepth: 20,
  maxStepsPerExecution: 100_000,
  maxVariableMemoryBytes: 512 * 1024,
  maxStringBytes: 256 * 1024,
  maxHttpResponseBytes: 2 * 1024 * 1024,
  maxArgumentBytes: 32 * 1024,
  maxResultBytes: 256 * 1024,
  maxConcurrentBranches: 20,
  maxUnhandledBranchErrors: 100,
  maxHttpTimeoutSeconds: 1800,
});
