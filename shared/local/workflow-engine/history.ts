/** The execution history: one entry per step run, and the logs written by sys.log. */
import type { StepKind } from './model.ts';

export interface StepRecord {
  step: string;
  kind: StepKind;
  /** The subworkflow the step belongs to. */
  routine: string;
  /** Position in the source, e.g. `main.steps[2].for.steps[0]`. */
  where: string;
  /** Parallel branch id (branch name or iteration index) when inside a parallel step. */
  branch?: string;
  startedAt: string;
  endedAt: string;
  state: 'SUCCEEDED' | 'FAILED';
  /** Where control went: a step name, `end`, `break`, `continue`, `return`, or undefined for the next step. */
  next?: string;
  /** The error's first tag and message when the step failed. */
  error?: string;
}

export interface LogEntry {
  time: string;
  severity: string;
  /** The logged value as plain JSON. */
  payload: unknown;
}

/** A record as kept while running: times as epoch ms, formatted only when read. */
export interface RawStepRecord {
  step: string;
  kind: StepKind;
  routine: string;
  where: string;
  branch?: string;
  start: number;
  end: number;
  state: 'SUCCEEDED' | 'FAILED';
  next?: string;
  error?: string;
}

export function formatRecord(r: RawStepRecord): StepRecord {
  const out: StepRecord = {
    step: r.step, kind: r.kind, routine: r.routine, where: r.where,
    startedAt: new Date(r.start).toISOString(), endedAt: new Date(r.end).toISOString(), state: r.state,
  };
  if (r.branch !== undefined) out.branch = r.branch;
  if (r.next !== undefined) out.next = r.next;
  if (r.error !== undefined) out.error = r.error;
  return out;
}

/** Keeps the last `max` records (older ones are dropped, and counted) so a 100,000-step run stays bounded. */
export class History {
  private buffer: RawStepRecord[] = [];
  private droppedCount = 0;
  constructor(private readonly max = 10_000) {}

  add(r: RawStepRecord): void {
    this.buffer.push(r);
    // Trim in batches so recording stays O(1) amortised.
    if (this.buffer.length >= this.max * 2) this.trim();
  }

  private trim(): void {
    if (this.buffer.length <= this.max) return;
    this.droppedCount += this.buffer.length - this.max;
    this.buffer = this.buffer.slice(-this.max);
  }

  get records(): StepRecord[] {
    this.trim();
    return this.buffer.map(formatRecord);
  }

  get dropped(): number {
    this.trim();
    return this.droppedCount;
  }
}
