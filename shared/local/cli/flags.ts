/** Values of the filter flags, refused with the list of what is allowed (exit 2) instead of matching nothing. */
import type { FlowName } from '../../events/topics.ts';
import { FUNCTIONS } from '../../flows/definitions.ts';
import { RUN_TRANSITIONS, type AuditRecord, type RunStatus } from '../../ports/state-store.ts';
import { UsageError } from './output.ts';

export const FLOW_NAMES: readonly FlowName[] = FUNCTIONS.map((f) => f.flow);
export const RUN_STATUSES = Object.keys(RUN_TRANSITIONS) as RunStatus[];
export const AUDIT_RESULTS: ReadonlyArray<AuditRecord['result']> = ['ok', 'duplicate', 'suppressed', 'failed', 'dead-lettered', 'info'];

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: unknown value "${value}"`, `use one of: ${allowed.join(', ')}`);
  return value as T;
}

export const flowFlag = (value: string | undefined) => oneOf('--flow', value, FLOW_NAMES);
export const statusFlag = (value: string | undefined) => oneOf('--status', value, RUN_STATUSES);
export const resultFlag = (value: string | undefined) => oneOf('--result', value, AUDIT_RESULTS);

export function intFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${flag} must be an integer in ${min}..${max}, got "${value}"`);
  return n;
}

export const limitFlag = (value: string) => intFlag('--limit', value, 1, 10_000);

export function secondsFlag(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < min || n > max) throw new UsageError(`${flag} must be a number of seconds in ${min}..${max}, got "${value}"`);
  return n;
}
