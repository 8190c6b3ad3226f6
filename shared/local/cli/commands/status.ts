/**
 * `status`: what runs where, and how the control plane is doing. Locally: the stack's endpoints
 * and simulated resources; with --project: the project, region and Firestore database. Both
 * then summarise the state store (control-plane-summary.ts): work in flight, approvals waiting,
 * recent failures, dead letters, parked deliveries, the remediation rate.
 */
import type { Command } from 'commander';
import { readControlPlaneSummary, RECENT_RUNS, type ControlPlaneSummary } from '../control-plane-summary.ts';
import { age } from '../format/table.ts';
import { globalOptions, printResult } from '../output.ts';
import { requireRunningStack } from '../local-state.ts';
import { resolveTarget, withTargetOptions, type ControlPlaneTarget, type TargetFlags } from '../target.ts';

/** The gcp-sim summary ({service: {collection: count | details}}) as one line per service. */
export function resourceLines(summary: unknown): string[] {
  if (!summary || typeof summary !== 'object') return [`    ${String(summary)}`];
  return Object.entries(summary as Record<string, unknown>).map(([service, value]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      return `    ${service.padEnd(18)} ${parts.join(', ') || 'none'}`;
    }
    return `    ${service.padEnd(18)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
  });
}

/** The summary as the lines a person reads; each problem says the command that shows more. */
export function summaryLines(s: ControlPlaneSummary, projectFlag: string, now: Date = new Date()): string[] {
  const counts = Object.entries(s.recent.byStatus).map(([status, n]) => `${status} ${n}`).join(', ');
  const lines = [
    '  control plane:',
    `    runs               ${s.recent.runs === 0 ? 'none yet' : `last ${s.recent.runs}${s.recent.runs === RECENT_RUNS ? ' (the most recent)' : ''}: ${counts}`}`,
  ];
  const approvals = s.inFlight.filter((r) => r.status === 'awaiting-approval');
  const working = s.inFlight.filter((r) => r.status !== 'awaiting-approval');
  lines.push(`    in flight          ${working.length === 0 ? 'nothing' : working.length}`);
  for (const r of working.slice(0, 10)) {
    lines.push(`      ${r.id.slice(0, 8)}  ${r.flow.padEnd(12)} ${r.status.padEnd(10)} ${(r.target ?? '').padEnd(28)} ${age(r.updatedAt, now)} ago`);
  }
  if (working.length > 10) lines.push(`      … ${working.length - 10} more: stackctl runs --status running${projectFlag}`);
  lines.push(`    awaiting approval  ${approvals.length === 0 ? 'nothing' : approvals.length}`);
  for (const r of approvals) {
    const answer = r.execution ? `stackctl approve ${r.execution.split('/').pop()}${projectFlag}` : `stackctl runs describe ${r.id.slice(0, 8)}${projectFlag}`;
    lines.push(`      ${r.id.slice(0, 8)}  ${r.flow.padEnd(12)} ${(r.target ?? '').padEnd(28)} ${age(r.updatedAt, now)} ago  → ${answer}`);
  }
  if (s.lastFailure) {
    lines.push(`    last failure       ${s.lastFailure.id.slice(0, 8)} ${s.lastFailure.flow} ${s.lastFailure.target ?? ''} ${age(s.lastFailure.updatedAt, now)} ago: ${s.lastFailure.error ?? 'failed'}`);
  }
  const dl = s.deadLetters;
  lines.push(`    dead letters       ${dl.total === 0 ? 'none' : `${dl.total} not replayed (${Object.entries(dl.byFlow).map(([f, n]) => `${f} ${n}`).join(', ')}; oldest ${age(dl.oldest, now)} ago) → stackctl dead-letters${projectFlag}`}`);
  lines.push(`    parked             ${s.parked.length === 0 ? 'none' : s.parked.map((p) => `${p.target} ${p.count} (oldest ${age(p.oldest, now)} ago)`).join(', ')}`);
  lines.push(`    remediations       ${s.remediationsLastHour} started in the last hour → stackctl guardrails list${projectFlag}`);
  const o = s.outbox;
  lines.push(`    status events      ${o.waiting === 0 ? 'all published' : `${o.waiting} waiting in the outbox (oldest ${age(o.oldest, now)} ago)${o.failing ? `, ${o.failing} failing: ${o.lastError}` : ''}`}`);
  return lines;
}

async function summarise(target: ControlPlaneTarget): Promise<ControlPlaneSummary> {
  const store = await target.openStore();
  try {
    return await readControlPlaneSummary(store, new Date());
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  withTargetOptions(program
    .command('status')
    .description('what runs where (the local stack, or --project), and the control plane\'s work: in flight, approvals, failures, dead letters'))
    .action(async (opts: TargetFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      if (opts.project !== undefined) {
        const target = resolveTarget(global, opts);
        const controlPlane = await summarise(target);
        const database = opts.database ?? '(default)';
        const flag = ` --project ${target.projectId}`;
        printResult(global, { projectId: target.projectId, region: target.region, database, controlPlane }, () => [
          `project ${target.projectId}, region ${target.region}, Firestore database ${database}`,
          ...summaryLines(controlPlane, flag),
        ].join('\n'));
        return;
      }
      const stack = requireRunningStack(global.dataDir);
      let gcpSim: unknown;
      try {
        const res = await fetch(`${stack.endpoints.gcpSim}/__sim/summary`, { signal: AbortSignal.timeout(5000) });
        gcpSim = await res.json();
      } catch (err) {
        gcpSim = { error: `gcp-sim did not answer: ${(err as Error).message}` };
      }
      const controlPlane = await summarise(resolveTarget(global, {}));
      const status = { running: true, ...stack, resources: { gcpSim }, controlPlane };
      printResult(global, status, () => [
        `local stack running (pid ${stack.pid}, since ${stack.startedAt}), project ${stack.projectId}, data ${stack.dataDir}`,
        `  Pub/Sub emulator  ${stack.endpoints.pubsubEmulator}`,
        `  gcp-sim           ${stack.endpoints.gcpSim}`,
        ...Object.entries(stack.endpoints.functions).map(([flow, url]) => `  function ${flow.padEnd(13)} ${url}`),
        '  simulated resources:',
        ...resourceLines(gcpSim),
        ...summaryLines(controlPlane, ''),
      ].join('\n'));
    });
}
