/** `audit`: the audit trail, newest first, from the local stack or a project (--project). */
import type { Command } from 'commander';
import type { AuditRecord } from '../../../ports/state-store.ts';
import { findRun } from '../follow.ts';
import { flowFlag, limitFlag, resultFlag } from '../flags.ts';
import { shortId } from '../format/runs.ts';
import { age, renderTable, terminalWidth } from '../format/table.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { resolveTarget, withTargetOptions, type TargetFlags } from '../target.ts';

const AUDIT_FLOWS = ['cli', 'system'] as const;

export function auditTable(records: AuditRecord[], options: { width: number; color: boolean }): string {
  if (records.length === 0) return 'no audit records';
  return renderTable(
    [{ header: 'AGE' }, { header: 'FLOW' }, { header: 'RESULT', status: true }, { header: 'ACTION', shrink: true, min: 12 }, { header: 'RUN' }, { header: 'REASON', shrink: true, min: 16 }],
    records.map((a) => [age(a.at), a.flow, a.result, a.action, a.runId ? shortId(a.runId) : '', a.reason ?? '']),
    options,
  );
}

export function register(program: Command): void {
  withTargetOptions(program
    .command('audit')
    .description('list audit records, newest first')
    .option('--run <id>', 'records of one run (its id or short id)')
    .option('--flow <flow>', 'provisioning|backups|alerts|budgets|costReports|cli|system')
    .option('--result <result>', 'ok|duplicate|suppressed|failed|dead-lettered|info')
    .option('--limit <n>', 'at most this many', '100'))
    .action(async (opts: TargetFlags & { run?: string; flow?: string; result?: string; limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const flow = opts.flow !== undefined && (AUDIT_FLOWS as readonly string[]).includes(opts.flow) ? opts.flow as AuditRecord['flow'] : flowFlag(opts.flow);
      const query = { flow, result: resultFlag(opts.result), limit: limitFlag(opts.limit) };
      const target = resolveTarget(global, opts);
      const store = await target.openStore();
      try {
        let runId: string | undefined;
        if (opts.run !== undefined) {
          const run = await findRun(store, opts.run);
          if (!run) throw new CliError(`no run with id ${opts.run} in ${target.label}`, 'list them with `stackctl runs`');
          runId = run.id;
        }
        const audit = await store.queryAudit({ ...query, runId });
        printResult(global, { audit }, () => auditTable(audit, { width: terminalWidth(), color: global.color }));
      } finally {
        await store.close();
      }
    });
}
