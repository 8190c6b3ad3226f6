/**
 * `stackctl report cost [--period week|month] [--out DIR] [--open] [--as-of TIME]`: the cost
 * report of the local stack, built by the same code as the cost-report function: usage from
 * gcp-sim's Monitoring, prices from its Catalog, through the real clients. Writes
 * cost-report.json, .md and .html to DIR; `--json` prints the report itself.
 */
import { localSimulatorAuth } from '../../../adapters/local/local-auth.ts';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { GcpMetrics } from '../../../adapters/gcp/metrics.ts';
import { GcpObjectStore } from '../../../adapters/gcp/object-store.ts';
import { GcpPricing } from '../../../adapters/gcp/pricing.ts';
import { systemClock } from '../../../runtime/system-clock.ts';
import { REPORT_FILES, type ReportFormat } from '../../../domain/cost/render/index.ts';
import { buildReport } from '../../../flows/cost-reports/build.ts';
import { costSettings } from '../../../flows/cost-reports/settings.ts';
import type { CostReportDeps } from '../../../flows/cost-reports/deps.ts';
import { openLocalStore, requireRunningStack } from '../local-state.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { money, percent } from '../../../domain/cost/render/format.ts';

/** The stack's deps for cost commands: the production adapters pointed at the running gcp-sim. */
export function localCostDeps(stack: { projectId: string; region: string; endpoints: { gcpSim: string } }): CostReportDeps {
  const endpoint = { projectId: stack.projectId, region: stack.region, simulatorUrl: stack.endpoints.gcpSim, simulatorAuth: localSimulatorAuth() };
  const objects = new GcpObjectStore(endpoint, systemClock);
  return {
    pricing: new GcpPricing(endpoint, systemClock),
    metrics: new GcpMetrics(endpoint, systemClock),
    buckets: objects,
    objects,
    settings: costSettings(stack),
  };
}

/** gcp-sim's own time: a stack started with --clock-speed runs ahead of the wall clock. */
export async function simNow(gcpSimUrl: string): Promise<Date> {
  const res = await fetch(`${gcpSimUrl}/__sim/clock`, { signal: AbortSignal.timeout(5000) }).catch((err: Error) => {
    throw new CliError(`gcp-sim at ${gcpSimUrl} did not answer: ${err.message}`);
  });
  const body = await res.json() as { now?: string };
  const now = Date.parse(body.now ?? '');
  if (Number.isNaN(now)) throw new CliError(`gcp-sim's /__sim/clock answered without a time (HTTP ${res.status})`);
  return new Date(now);
}

function openInBrowser(file: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [file], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`could not run ${command}; open ${file} yourself\n`));
  child.unref();
}

export function register(program: Command): void {
  const report = program.command('report').description('reports built from the local stack');
  report
    .command('cost')
    .description('cost per component, workspace and day, month to date and forecast against the budget, priced with the Catalog')
    .option('--period <period>', 'week (the 7 days before today) or month (the month so far)', 'week')
    .option('--out <dir>', 'directory for cost-report.json, cost-report.md and cost-report.html', 'reports')
    .option('--open', 'open the HTML report in the browser')
    .option('--as-of <time>', 'build the report as of this RFC 3339 time (default: the stack\'s clock now)')
    .option('--budget <amount>', 'compare with this monthly budget (default: the latest budget notification\'s, else STACKCTL_BUDGET_AMOUNT)')
    .action(async (opts: { period: string; out: string; open?: boolean; asOf?: string; budget?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      if (opts.period !== 'week' && opts.period !== 'month') throw new CliError(`--period must be week or month, got "${opts.period}"`);
      const stack = requireRunningStack(global.dataDir);
      const asOf = opts.asOf ? new Date(opts.asOf) : await simNow(stack.endpoints.gcpSim);
      if (Number.isNaN(asOf.getTime())) throw new CliError(`--as-of must be an RFC 3339 time, got "${opts.asOf}"`);
      const budgetAmount = opts.budget === undefined ? undefined : Number(opts.budget);
      if (budgetAmount !== undefined && !(budgetAmount > 0)) throw new CliError(`--budget must be a positive amount, got "${opts.budget}"`);
      const store = openLocalStore(global.dataDir);
      let built;
      try {
        built = await buildReport(localCostDeps(stack), store, opts.period, asOf, budgetAmount === undefined ? {} : { budgetAmount });
      } finally {
        await store.close();
      }
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      const files: Record<string, string> = {};
      for (const format of Object.keys(REPORT_FILES) as ReportFormat[]) {
        const spec = REPORT_FILES[format];
        files[format] = join(dir, spec.file);
        writeFileSync(files[format]!, spec.render(built));
      }
      if (opts.open) openInBrowser(files.html!);
      const r = built;
      const m = (x: number) => money(x, r.currency);
      printResult(global, { report: r, files }, () => [
        `cost report ${r.period.start.slice(0, 10)} to ${r.period.end.slice(0, 10)} (${r.period.kind}): ${m(r.total)}`,
        ...r.byComponent.map((c) => `  ${c.component.padEnd(18)} ${m(c.cost)}`),
        `  by workspace: ${r.byWorkspace.map((w) => `${w.workspace} ${m(w.cost)}`).join(', ')}`,
        `month to date ${m(r.monthToDate.cost)}, forecast ${m(r.forecast.monthEnd)} (linear ${m(r.forecast.linear)})${r.budget.amount === null ? '' : `, budget ${m(r.budget.amount)} (forecast ${percent(r.budget.forecastRatio)})`}`,
        `prices: ${r.prices.source}`,
        ...Object.values(files).map((f) => `wrote ${f}`),
      ].join('\n'));
    });
}
