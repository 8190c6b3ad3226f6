/** How runs read to a person: the list (one line each), and one run step by step with timings. */
import type { AuditRecord, Run } from '../../../ports/state-store.ts';
import type { Execution } from '../../../ports/workflows.ts';
import { paint, statusColour } from '../output.ts';
import { age, duration, renderTable, type Column } from './table.ts';

export const SHORT_ID = 8;

export function shortId(id: string): string {
  return id.slice(0, SHORT_ID);
}

function lastStep(run: Run): string {
  const step = run.steps.at(-1);
  if (!step) return '';
  return `${step.name} ${step.status}`;
}

function executionCell(run: Run): string {
  const execution = run.refs?.execution;
  if (!execution) return '';
  return `${execution.split('/').at(-1)} ${run.refs?.executionState ?? ''}`.trim();
}

export function runsTable(runs: Run[], options: { width: number; color: boolean; now?: Date }): string {
  if (runs.length === 0) return 'no runs';
  const columns: Column[] = [
    { header: 'RUN' }, { header: 'FLOW' }, { header: 'STATUS', status: true }, { header: 'TARGET', shrink: true, min: 12 },
    { header: 'AGE' }, { header: 'LAST STEP', shrink: true, min: 10 }, { header: 'EXECUTION', shrink: true, min: 9 },
  ];
  const rows = runs.map((r) => [shortId(r.id), r.flow, r.status, r.target ?? '', age(r.createdAt, options.now), lastStep(r), executionCell(r)]);
  return renderTable(columns, rows, options);
}

/** One line for a change seen while following runs (`runs --watch`, `publish --wait`). */
export function runLine(run: Run, color: boolean, now: Date = new Date()): string {
  const time = now.toISOString().slice(11, 19);
  const status = paint(color, statusColour(run.status) ?? 'bold', run.status);
  const step = lastStep(run);
  return `${time}  ${shortId(run.id)}  ${run.flow}  ${status}${run.target ? `  ${run.target}` : ''}${step ? `  (${step})` : ''}`;
}

export function stepLines(run: Run, color: boolean, from = 0): string[] {
  const lines: string[] = [];
  let previous = Date.parse(from === 0 ? run.createdAt : run.steps[from - 1]!.at);
  run.steps.forEach((step, i) => {
    const at = Date.parse(step.at);
    if (i < from) return;
    const took = Number.isNaN(at) || Number.isNaN(previous) ? '' : `+${duration(Math.max(0, at - previous))}`;
    previous = at;
    const status = paint(color, statusColour(step.status) ?? 'bold', step.status.padEnd(10));
    lines.push(`  ${String(i + 1).padStart(2)}. ${step.name.padEnd(22)} ${status} ${took.padStart(7)}  ${step.detail ?? ''}`.trimEnd());
  });
  return lines;
}

function errorText(error: Execution['error']): string {
  if (!error) return '';
  return `${error.payload}${error.context ? ` (at ${error.context})` : ''}`;
}

export function describeRun(run: Run, extra: { execution?: Execution; executionError?: string; audit: AuditRecord[]; color: boolean; now?: Date }): string {
  const c = extra.color;
  const created = Date.parse(run.createdAt);
  const updated = Date.parse(run.updatedAt);
  const lines = [
    `${paint(c, 'bold', 'run')}        ${run.id}`,
    `flow       ${run.flow}`,
    `status     ${paint(c, statusColour(run.status) ?? 'bold', run.status)}`,
    ...(run.target ? [`target     ${run.target}`] : []),
    `key        ${run.key}`,
    `attempts   ${run.attempts}`,
    `created    ${run.createdAt} (${age(run.createdAt, extra.now)} ago)`,
    `updated    ${run.updatedAt}${Number.isNaN(created) || Number.isNaN(updated) ? '' : ` (took ${duration(Math.max(0, updated - created))})`}`,
  ];
  if (run.error) lines.push(`error      ${paint(c, 'red', `${run.error.class}: ${run.error.message}`)}${run.error.where ? ` (at ${run.error.where})` : ''}`);
  lines.push('', paint(c, 'bold', `steps (${run.steps.length})`));
  lines.push(...(run.steps.length ? stepLines(run, c) : ['  none recorded']));
  const execution = run.refs?.execution;
  if (execution) {
    lines.push('', paint(c, 'bold', 'workflow execution'), `  name     ${execution}`);
    if (extra.execution) {
      const e = extra.execution;
      lines.push(`  state    ${paint(c, statusColour(e.state) ?? 'bold', e.state)}`);
      if (e.startTime) lines.push(`  started  ${e.startTime.toISOString()}`);
      if (e.endTime) lines.push(`  ended    ${e.endTime.toISOString()}${e.startTime ? ` (took ${duration(e.endTime.getTime() - e.startTime.getTime())})` : ''}`);
      if (e.error) lines.push(`  error    ${paint(c, 'red', errorText(e.error))}`);
    } else {
      lines.push(`  state    ${run.refs?.executionState ?? 'unknown'} (as last recorded${extra.executionError ? `; live state unavailable: ${extra.executionError}` : ''})`);
    }
  }
  const refs = Object.entries(run.refs ?? {}).filter(([k]) => k !== 'execution' && k !== 'executionState');
  if (refs.length) lines.push('', paint(c, 'bold', 'refs'), ...refs.map(([k, v]) => `  ${k.padEnd(10)} ${v}`));
  if (extra.audit.length) {
    lines.push('', paint(c, 'bold', 'audit'));
    for (const a of [...extra.audit].reverse()) lines.push(`  ${a.at}  ${paint(c, statusColour(a.result) ?? 'bold', a.result.padEnd(9))} ${a.action}${a.reason ? `: ${a.reason}` : ''}`);
  }
  return lines.join('\n');
}
