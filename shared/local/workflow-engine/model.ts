/**
 * The loaded, validated form of a workflow: what `loadWorkflow` produces and the interpreter walks.
 * Expressions are compiled once at load time (see template.ts), so a run never re-parses source text.
 */
import type { Ast } from './expr/index.ts';
import type { Limits } from './limits.ts';
import type { UnsupportedCall } from './support.ts';
import type { AssignTarget, Template } from './template.ts';

export interface WorkflowProgram {
  readonly sourceName: string;
  readonly main: Subworkflow;
  readonly subworkflows: ReadonlyMap<string, Subworkflow>;
  readonly limits: Limits;
  /** Calls the engine cannot run (connectors not simulated, modules not implemented); see support.ts. */
  readonly unsupported: readonly UnsupportedCall[];
}

export interface Subworkflow {
  readonly name: string;
  readonly params: readonly Param[];
  readonly body: StepList;
}

export interface Param {
  readonly name: string;
  /** Present when the param has a default (`- name: default`). */
  readonly default?: Template;
}

export interface StepList {
  readonly steps: readonly Step[];
  /** Step name → position, for `next` jumps within this list. */
  readonly index: ReadonlyMap<string, number>;
}

/** `retry: ${...}` policies with their own predicate, max_retries and backoff. */
export const PREDEFINED_POLICIES: ReadonlySet<string> = new Set([
  'http.default_retry', 'http.default_retry_non_idempotent', 'retry.always', 'retry.never',
]);
/** Predicates usable as `retry: {predicate: ${...}}`. */
export const PREDEFINED_PREDICATES: ReadonlySet<string> = new Set([
  'http.default_retry_predicate', 'http.default_retry_predicate_non_idempotent', 'retry.always', 'retry.never',
]);

/** `next` targets that are not step names. */
export const NEXT_KEYWORDS = ['end', 'break', 'continue'] as const;

interface StepBase {
  readonly name: string;
  /** Where the step sits, e.g. `main.steps[2]`; used in errors and the history. */
  readonly where: string;
  readonly next?: string;
}

export interface AssignStep extends StepBase {
  readonly kind: 'assign';
  /** `sync`: value and target indexes need no external call, so the assignment runs without yielding. */
  readonly assignments: readonly Assignment[];
}

export interface CallStep extends StepBase {
  readonly kind: 'call';
  readonly fn: string;
  readonly args?: readonly (readonly [string, Template])[];
  readonly result?: string;
}

export interface SwitchCase {
  readonly condition: Template;
  readonly next?: string;
  readonly steps?: StepList;
  /** An embedded step body (assign, call, return, raise, for, parallel, try) run when the condition holds. */
  readonly body?: Step;
}

export interface SwitchStep extends StepBase {
  readonly kind: 'switch';
  readonly cases: readonly SwitchCase[];
}

export interface ForSpec {
  readonly value: string;
  readonly index?: string;
  readonly in?: Template;
  readonly range?: Template;
  readonly steps: StepList;
}

export interface ForStep extends StepBase {
  readonly kind: 'for';
  readonly loop: ForSpec;
}

export interface ParallelBranch {
  readonly name: string;
  readonly steps: StepList;
}

export interface ParallelStep extends StepBase {
  readonly kind: 'parallel';
  readonly shared: readonly string[];
  readonly concurrencyLimit?: Template;
  readonly continueAll: boolean;
  readonly branches?: readonly ParallelBranch[];
  readonly loop?: ForSpec;
}

export type RetrySpec =
  | { readonly kind: 'policy'; readonly policy: string }
  | {
      readonly kind: 'custom';
      /** A predefined predicate name (e.g. `http.default_retry_predicate`) or a subworkflow name. */
      readonly predicate: string;
      readonly maxRetries: Template;
      readonly initialDelay?: Template;
      readonly maxDelay?: Template;
      readonly multiplier?: Template;
    };

export interface TryStep extends StepBase {
  readonly kind: 'try';
  readonly body: Step;
  readonly retry?: RetrySpec;
  readonly except?: { readonly as?: string; readonly steps: StepList };
}

export interface RaiseStep extends StepBase {
  readonly kind: 'raise';
  readonly value: Template;
}

export interface ReturnStep extends StepBase {
  readonly kind: 'return';
  readonly value: Template;
}

export interface StepsStep extends StepBase {
  readonly kind: 'steps';
  readonly steps: StepList;
}

/** A step with only `next`: a plain jump. */
export interface JumpStep extends StepBase {
  readonly kind: 'jump';
}

export type Step =
  | AssignStep | CallStep | SwitchStep | ForStep | ParallelStep | TryStep | RaiseStep | ReturnStep | StepsStep | JumpStep;

export type StepKind = Step['kind'];

export interface Assignment {
  readonly target: AssignTarget;
  readonly value: Template;
  /** The value evaluates with no await (read-evaluate-write is atomic across parallel branches). */
  readonly sync: boolean;
  /** For `x: ${list.concat(x, item)}`: the item, so the interpreter can append in place. */
  readonly append?: Ast;
}
