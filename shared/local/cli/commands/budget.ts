/**
 * `stackctl budget show|approve|reject|restore BUDGET_ID [--by NAME]`: the dev stack's budget
 * scale-down. `approve` carries out the proposed scale-down (Argo CD replicaCount 0 for the apps,
 * Cloud SQL activationPolicy NEVER) through the production adapters against gcp-sim and ends the
 * waiting budget run; `restore` undoes an applied scale-down before the next interval does.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { HttpArgoCd } from '../../../adapters/gcp/argocd.ts';
import { GcpSqlAdmin } from '../../../adapters/gcp/sql-admin.ts';
import { LOCAL_TOKEN, localSimulatorAuth } from '../../../adapters/local/local-auth.ts';
import { systemClock } from '../../../runtime/system-clock.ts';
import { applyScaleDown, closeProposal, getScaleDown, restoreScaleDown, type ScaleDeps } from '../../../flows/budgets/scale-down.ts';
import type { StateStore } from '../../../ports/state-store.ts';
import { openLocalStore, requireRunningStack } from '../local-state.ts';
import { CliError, globalOptions, printResult } from '../output.ts';

function scaleDeps(stack: { projectId: string; region: string; endpoints: { gcpSim: string } }): ScaleDeps {
  const endpoint = { projectId: stack.projectId, region: stack.region, simulatorUrl: stack.endpoints.gcpSim, simulatorAuth: localSimulatorAuth() };
  return { apps: new HttpArgoCd(stack.endpoints.gcpSim, async () => LOCAL_TOKEN, systemClock), sql: new GcpSqlAdmin(endpoint, systemClock) };
}

/** Ends the budget run that proposed the scale-down, if it still waits, and audits the decision. */
async function settleRun(store: StateStore, runId: string, decision: string, by: string, succeeded: boolean): Promise<void> {
  const run = await store.getRun(runId);
  if (run?.status === 'awaiting-approval') {
    await store.updateRun(run.id, {
      status: succeeded ? 'succeeded' : 'cancelled',
      steps: [...run.steps, { name: `scale-down:${decision}`, status: succeeded ? 'succeeded' : 'skipped', detail: `by ${by}`, at: systemClock.now().toISOString() }],
    });
  }
  await store.appendAudit({ flow: 'cli', runId, actor: by, action: `budget scale-down ${decision}`, target: run?.target, result: 'ok' });
}

export function register(program: Command): void {
  const budget = program.command('budget').description('the dev stack\'s budget scale-down: show, approve, reject, restore');
  const withStore = async <T>(dataDir: string, fn: (store: StateStore) => Promise<T>): Promise<T> => {
    const store = openLocalStore(dataDir);
    try { return await fn(store); } finally { await store.close(); }
  };
  const by = (opts: { by?: string }) => opts.by ?? `${userInfo().username} (stackctl)`;

  budget.command('show').argument('<budgetId>').description('the scale-down record of a budget')
    .action(async (budgetId: string, _opts: unknown, cmd: Command) => {
      const global = globalOptions(cmd);
      const found = await withStore(global.dataDir, (store) => getScaleDown(store, budgetId));
      if (!found) throw new CliError(`budget ${budgetId} has no scale-down`);
      printResult(global, { record: found.record }, () => JSON.stringify(found.record, null, 2));
    });

  budget.command('approve').argument('<budgetId>').option('--by <name>', 'who approves (recorded)')
    .description('carry out the proposed scale-down')
    .action(async (budgetId: string, opts: { by?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      const record = await withStore(global.dataDir, async (store) => {
        const found = await getScaleDown(store, budgetId);
        if (!found) throw new CliError(`budget ${budgetId} has no scale-down to approve`);
        if (found.record.status !== 'proposed') throw new CliError(`the scale-down of budget ${budgetId} is ${found.record.status}, not waiting for approval`);
        const applied = await applyScaleDown(scaleDeps(stack), store, systemClock, budgetId, by(opts));
        await settleRun(store, applied.runId, 'approved', by(opts), true);
        return applied;
      });
      printResult(global, { record }, () => `scaled down: ${record.apps.map((a) => `${a.name} ${a.parameter}=0`).join(', ')}; ${record.sqlInstances.map((i) => `${i} activationPolicy NEVER`).join(', ')}`);
    });

  budget.command('reject').argument('<budgetId>').option('--by <name>', 'who rejects (recorded)')
    .description('decline the proposed scale-down')
    .action(async (budgetId: string, opts: { by?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const record = await withStore(global.dataDir, async (store) => {
        const closed = await closeProposal(store, budgetId, 'rejected', by(opts), 'rejected with stackctl');
        await settleRun(store, closed.runId, 'rejected', by(opts), false);
        return closed;
      });
      printResult(global, { record }, () => `scale-down of budget ${budgetId} rejected`);
    });

  budget.command('restore').argument('<budgetId>').option('--by <name>', 'who restores (recorded)')
    .description('undo an applied scale-down now, before the next cost interval does')
    .action(async (budgetId: string, opts: { by?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      const record = await withStore(global.dataDir, async (store) => {
        const restored = await restoreScaleDown(scaleDeps(stack), store, systemClock, budgetId, by(opts), 'restored with stackctl');
        await store.appendAudit({ flow: 'cli', runId: restored.runId, actor: by(opts), action: 'budget scale-down restored', result: 'ok' });
        return restored;
      });
      printResult(global, { record }, () => `restored: ${record.apps.map((a) => a.name).join(', ')} and ${record.sqlInstances.join(', ')}`);
    });
}
