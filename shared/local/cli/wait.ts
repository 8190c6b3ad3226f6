/**
 * `publish --wait`: finds the run a message started (by the idempotency key the CLI decoded, or
 * the dead letter that carries the message id) and follows it to its end, one progress line per
 * step, status change or execution state. Bounded by the timeout; Ctrl-C stops following only.
 */
import type { FlowName } from '../../events/topics.ts';
import type { Run, StateStore } from '../../ports/state-store.ts';
import { pause, runIsOver, stopOnSignal } from './follow.ts';
import { shortId, stepLines } from './format/runs.ts';
import { duration } from './format/table.ts';
import { paint, statusColour } from './output.ts';
import type { ControlPlaneTarget } from './target.ts';

export interface WaitOutcome {
  ok: boolean;
  status: string;
  run?: Run;
  deadLetter?: { id: string; reason: string };
  duplicate?: boolean;
  reason?: string;
}

export interface WaitOptions {
  target: ControlPlaneTarget;
  flow: FlowName;
  key?: string;
  messageId: string;
  publishedAt: Date;
  timeoutMs: number;
  color: boolean;
  intervalMs?: number;
  progress?: (line: string) => void;
}

/** Runs created this long before the publish are older than the message: it was a duplicate. */
const CLOCK_SLACK_MS = 1_000;
/** Exit 1 only when the work failed; suppressed (a guardrail said no) and cancelled (a human did) are decisions. */
const FAILED = new Set(['failed']);

async function deadLetterOf(store: StateStore, flow: FlowName, messageId: string) {
  const recent = await store.listDeadLetters({ flow, includeReplayed: true, limit: 50 });
  return recent.find((d) => d.raw.messageId === messageId);
}

export async function waitForRun(options: WaitOptions): Promise<WaitOutcome> {
  const say = options.progress ?? (() => undefined);
  const c = options.color;
  const store = await options.target.openStore();
  const stop = stopOnSignal();
  const deadline = Date.now() + options.timeoutMs;
  let run: Run | null = null;
  let shownSteps = 0;
  let lastStatus = '';
  let lastExecutionState = '';
  let toldApproval = false;
  try {
    for (let tick = 0; !stop.stopped && Date.now() < deadline; tick++) {
      const current: Run | null = options.key ? await store.getRunByKey(options.key) : null;
      if (!current) {
        const dl = await deadLetterOf(store, options.flow, options.messageId);
        if (dl) {
          say(`${paint(c, 'red', 'dead-lettered')}: ${dl.reason} (dead letter ${dl.id}; \`stackctl dead-letters replay ${dl.id}\` once fixed)`);
          return { ok: false, status: 'dead-lettered', deadLetter: { id: dl.id, reason: dl.reason } };
        }
        if (tick === 0) say('waiting for the function to pick it up…');
      } else {
        if (!run && Date.parse(current.createdAt) < options.publishedAt.getTime() - CLOCK_SLACK_MS) {
          const ok = !FAILED.has(current.status);
          say(`duplicate: run ${current.id} (${current.status}, created ${current.createdAt}) already has this message's key ${current.key}; it is not run again`);
          return { ok, status: current.status, run: current, duplicate: true, reason: 'duplicate' };
        }
        if (!run) say(`run ${current.id} (${current.flow}${current.target ? `, ${current.target}` : ''})`);
        run = current;
        for (const line of stepLines(run, c, shownSteps)) say(line);
        shownSteps = run.steps.length;
        const executionState = run.refs?.executionState ?? '';
        if (run.refs?.execution && executionState !== lastExecutionState) {
          say(`  execution ${run.refs.execution.split('/').slice(-3).join('/')} ${paint(c, statusColour(executionState) ?? 'bold', executionState || '?')}`);
          lastExecutionState = executionState;
        }
        if (run.status !== lastStatus) {
          say(`  status ${paint(c, statusColour(run.status) ?? 'bold', run.status)}`);
          lastStatus = run.status;
        }
        if (run.status === 'awaiting-approval' && !toldApproval && run.refs?.execution) {
          say(`  waits for a human: \`stackctl approve ${run.refs.execution}\` (or reject) in another terminal`);
          toldApproval = true;
        }
        if (runIsOver(run)) {
          const took = duration(Date.parse(run.updatedAt) - Date.parse(run.createdAt));
          const ok = !FAILED.has(run.status);
          const failedStep = [...run.steps].reverse().find((s) => s.status === 'failed');
          const why = run.error?.message ?? (failedStep ? `${failedStep.name}: ${failedStep.detail ?? 'failed'}` : '');
          say(`run ${shortId(run.id)} ${paint(c, statusColour(run.status) ?? 'bold', run.status)} after ${took}${!ok && why ? `: ${why}` : ''}`);
          return { ok, status: run.status, run, ...(why ? { reason: why } : {}) };
        }
      }
      await pause(options.intervalMs ?? 200, stop);
    }
    const why = stop.stopped ? 'stopped following (the run goes on)' : `timed out after ${duration(options.timeoutMs)}`;
    say(`${why}${run ? `; run ${run.id} is ${run.status} (stackctl runs describe ${shortId(run.id)})` : '; no run yet'}`);
    return { ok: false, status: run?.status ?? 'unknown', ...(run ? { run } : {}), reason: why };
  } finally {
    stop.dispose();
    await store.close();
  }
}
