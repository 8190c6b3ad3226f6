/**
 * Parallel steps: `branches` or a parallel `for`, at most `concurrency_limit` (default and maximum: the documented
 * 20) running at once, each in its own branch frame (locals stay local; parent variables are writable only when
 * listed in `shared`). As the reference documents, the only exception policy is continueAll and it is the
 * default: an unhandled error ends its own branch while the others run to completion, and then the step raises
 * UnhandledBranchError listing each failed branch (at most 100) with its error.
 */
import { tagged, toWorkflowError } from './errors.ts';
import { BREAK, errorOrigin, ExecutionCancelled, type Flow, type Thread } from './flow.ts';
import type { Interpreter } from './interpreter.ts';
import type { ParallelStep } from './model.ts';
import { Frame } from './scope.ts';
import { evalTemplate } from './template.ts';
import { newMap, toJsonText, typeName, type WfMap, type WfValue } from './values.ts';

interface BranchTask {
  id: string;
  run(frame: Frame, thread: Thread): Promise<Flow>;
}

export async function runParallel(interp: Interpreter, step: ParallelStep, frame: Frame, thread: Thread): Promise<Flow> {
  const limits = interp.program.limits;
  let limit = limits.maxConcurrentBranches;
  if (step.concurrencyLimit) {
    const v = await evalTemplate(step.concurrencyLimit, interp.scopeOf(frame));
    if (typeof v !== 'bigint') throw tagged('TypeError', `concurrency_limit must be an int, got ${typeName(v)}`);
    if (v < 1n || v > BigInt(limits.maxConcurrentBranches)) {
      throw tagged('ValueError', `concurrency_limit must be between 1 and ${limits.maxConcurrentBranches}, got ${v}`);
    }
    limit = Number(v);
  }
  const tasks: BranchTask[] = [];
  if (step.branches) {
    for (const b of step.branches) tasks.push({ id: b.name, run: (f, t) => interp.execList(b.steps, f, t) });
  } else if (step.loop) {
    const loop = step.loop;
    const items = await interp.loopItems(loop, frame);
    items.forEach((item, i) => tasks.push({
      id: String(i),
      run: (f, t) => {
        f.setOwn(loop.value, item);
        if (loop.index) f.setOwn(loop.index, BigInt(i));
        return interp.execList(loop.steps, f, t);
      },
    }));
  }

  const shared = new Set(step.shared);
  const failures: { id: string; error: WfMap }[] = [];
  let failureCount = 0;
  let nextTask = 0;
  let stopped = false;
  let cancelled: unknown;

  const worker = async (): Promise<void> => {
    while (nextTask < tasks.length && !stopped && cancelled === undefined) {
      const task = tasks[nextTask++];
      const branchFrame = new Frame('branch', frame, interp.meter, shared);
      const branchThread: Thread = { routine: thread.routine, depth: thread.depth, branch: thread.branch ? `${thread.branch}/${task.id}` : task.id };
      interp.bindThread(branchFrame, branchThread);
      try {
        const flow = await task.run(branchFrame, branchThread);
        // `break` in a parallel for stops iterations that have not started; `end` and `return` end this branch only.
        if (flow === BREAK) stopped = true;
      } catch (raw) {
        if (raw instanceof ExecutionCancelled) {
          cancelled = raw;
          return;
        }
        const err = toWorkflowError(raw);
        failureCount++;
        if (failures.length < limits.maxUnhandledBranchErrors) failures.push({ id: task.id, error: describeError(err.value, errorOrigin.get(err)) });
      } finally {
        branchFrame.dispose();
      }
    }
  };

  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, tasks.length); i++) workers.push(worker());
  await Promise.all(workers);
  if (cancelled !== undefined) throw cancelled;
  if (failureCount > 0) {
    const extra = newMap();
    extra.branches = failures.map((f) => {
      const m = newMap();
      m.id = f.id;
      m.error = f.error;
      return m;
    });
    extra.truncated = failureCount > failures.length;
    throw tagged('UnhandledBranchError', 'One or more branches or iterations encountered an unhandled runtime error', extra);
  }
  return null;
}

function describeError(value: WfValue, origin: { step: string; routine: string } | undefined): WfMap {
  const m = newMap();
  let payload: string;
  try {
    payload = toJsonText(value);
  } catch {
    payload = JSON.stringify(String(value));
  }
  m.context = origin ? `in step "${origin.step}", routine "${origin.routine}"` : 'in a parallel branch';
  m.payload = payload;
  return m;
}
