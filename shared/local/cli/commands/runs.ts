/**
 * `runs`: the runs, newest first (locally or with --project); `runs describe ID` one run step by
 * step with timings, its error, its workflow execution and that execution's live state;
 * `runs --watch` follows changes until Ctrl-C.
 */
import type { Command } from 'commander';
import type { Run, StateStore } from '../../../ports/state-store.ts';
import type { Execution } from '../../../ports/workflows.ts';
import { findRun, pause, signature, stopOnSignal } from '../follow.ts';
import { flowFlag, limitFlag, secondsFlag, statusFlag } from '../flags.ts';
import { describeRun, runLine, runsTable } from '../format/runs.ts';
import { terminalWidth } from '../format/table.ts';
import { CliError, globalOptions, printResult, type GlobalOptions } from '../output.ts';
import { resolveTarget, withTargetOptions, type ControlPlaneTarget, type TargetFlags } from '../target.ts';

interface RunsFlags extends TargetFlags { flow?: string; status?: string; target?: string; limit: string; watch?: boolean; interval: string }

async function withStore<T>(target: ControlPlaneTarget, work: (store: StateStore) => Promise<T>): Promise<T> {
  const store = await target.openStore();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function watch(global: GlobalOptions, store: StateStore, query: Parameters<StateStore['listRuns']>[0], intervalMs: number): Promise<void> {
  const stop = stopOnSignal();
  const seen = new Map<string, string>();
  try {
    for (let tick = 0; !stop.stopped; tick++) {
      const runs = await store.listRuns(query);
      if (tick === 0 && global.format === 'table') {
        process.stdout.write(`${runsTable(runs, { width: terminalWidth(), color: global.color })}\nwatching for changes (Ctrl-C stops)…\n`);
      }
      for (const run of [...runs].reverse()) {
        const sig = signature(run);
        if (seen.get(run.id) === sig) continue;
        const first = !seen.has(run.id);
        seen.set(run.id, sig);
        if (tick === 0 && global.format === 'table') continue;
        if (global.format === 'table') process.stdout.write(`${runLine(run, global.color)}${first ? '  new' : ''}\n`);
        else process.stdout.write(`${JSON.stringify({ run })}\n`);
      }
      await pause(intervalMs, stop);
    }
  } finally {
    stop.dispose();
  }
}

async function liveExecution(target: ControlPlaneTarget, run: Run): Promise<{ execution?: Execution; error?: string }> {
  const name = run.refs?.execution;
  if (!name) return {};
  try {
    return { execution: await (await target.workflows()).getExecution(name) };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0] };
  }
}

export function register(program: Command): void {
  const runs = withTargetOptions(program
    .command('runs')
    .description('list runs, newest first; `runs describe ID` shows one step by step; --watch follows')
    .option('--flow <flow>', 'provisioning|backups|alerts|budgets|costReports')
    .option('--status <status>', 'filter by status (received, running, executing, awaiting-approval, succeeded, failed, …)')
    .option('--target <target>', 'filter by target (e.g. workspace:team-alpha)')
    .option('--limit <n>', 'at most this many', '50')
    .option('-w, --watch', 'keep following: one line per run that changes, until Ctrl-C')
    .option('--interval <seconds>', 'with --watch: how often to look', '1'))
    .action(async (opts: RunsFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      const query = { flow: flowFlag(opts.flow), status: statusFlag(opts.status), target: opts.target, limit: limitFlag(opts.limit) };
      const intervalMs = secondsFlag('--interval', opts.interval, 0.1, 3600) * 1000;
      const target = resolveTarget(global, opts);
      await withStore(target, async (store) => {
        if (opts.watch) return watch(global, store, query, intervalMs);
        const list = await store.listRuns(query);
        printResult(global, { runs: list }, () => runsTable(list, { width: terminalWidth(), color: global.color }));
      });
    });

  withTargetOptions(runs
    .command('describe')
    .description('one run step by step: timings, errors, its workflow execution and that execution\'s state, its audit')
    .argument('<id>', 'run id, or the short id the list shows'))
    .action(async (id: string, opts: TargetFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      const merged = { ...cmd.parent?.opts(), ...opts } as TargetFlags;
      const target = resolveTarget(global, merged);
      await withStore(target, async (store) => {
        const run = await findRun(store, id);
        if (!run) throw new CliError(`no run with id ${id} in ${target.label}`, 'list them with `stackctl runs`');
        const [live, audit] = await Promise.all([liveExecution(target, run), store.queryAudit({ runId: run.id, limit: 200 })]);
        printResult(global, { run, execution: live.execution ?? null, ...(live.error ? { executionError: live.error } : {}), audit },
          () => describeRun(run, { execution: live.execution, executionError: live.error, audit, color: global.color }));
      });
    });
}
