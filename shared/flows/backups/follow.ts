/**
 * Starting a workflow execution once per run and following it. The execution's name is recorded
 * on the run as soon as it exists, so a redelivery follows the same execution instead of starting
 * a second drill or restore. One delivery follows for at most `followBudgetMs` (below the push ack
 * deadline); then it hands over to the next delivery with a TransientError.
 */
import type { Execution } from '../../ports/workflows.ts';
import { TransientError } from '../../runtime/errors.ts';
import type { TaskBase } from './context.ts';
import { retryTransient } from './errors.ts';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const STEP = 'start-execution';

export function recordedExecution(ctx: TaskBase): string | undefined {
  return [...ctx.act.run.steps].reverse().find((s) => s.name === STEP && s.status === 'succeeded')?.detail;
}

export async function startOnce(ctx: TaskBase, workflow: string, argument: unknown): Promise<string> {
  const existing = recordedExecution(ctx);
  if (existing) return existing;
  // Not retried in place: a create that failed after the server made the execution would start a second one.
  const execution = await ctx.deps.workflows.startExecution(workflow, argument);
  await ctx.step(STEP, execution.name);
  return execution.name;
}

export async function followToEnd(ctx: TaskBase, name: string): Promise<Execution> {
  const clock = ctx.act.deps.clock;
  const { followBudgetMs, followPollMs } = ctx.deps.settings;
  const deadline = clock.now().getTime() + followBudgetMs;
  const maxPolls = Math.ceil(followBudgetMs / Math.max(1, followPollMs)) + 2;
  for (let poll = 0; poll < maxPolls; poll++) {
    const execution = await retryTransient(clock, () => ctx.deps.workflows.getExecution(name));
    if (TERMINAL.has(execution.state)) return execution;
    if (clock.now().getTime() >= deadline) break;
    await clock.sleep(followPollMs);
  }
  throw new TransientError(`execution ${name} is still running after this delivery's ${Math.round(followBudgetMs / 1000)} s; the next delivery goes on following it`, { where: 'follow-execution' });
}

/** The structured error a workflow raised (its `raise` map), or the raw payload. */
export function executionError(execution: Execution): Record<string, unknown> {
  const payload = execution.error?.payload ?? '';
  try {
    const parsed = JSON.parse(payload) as unknown;
    return parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : { message: String(parsed) };
  } catch {
    return { message: payload || `execution ended ${execution.state}` };
  }
}
