/**
 * The cost-report job: build the report as of the job's publish time (a redelivery builds the
 * same report and overwrites the same objects), write its formats to the reports bucket, and
 * announce them in the status event.
 */
import type { EventOfKind } from '../../events/index.ts';
import type { ActContext, ActOutcome } from '../../runtime/flow.ts';
import { buildReport } from './build.ts';
import type { CostReportDeps } from './deps.ts';
import { publishReport } from './publish.ts';

export type CostReportEvent = EventOfKind<'CostReportJob'>;

export async function actCostReport(event: CostReportEvent, ctx: ActContext<CostReportDeps>): Promise<ActOutcome> {
  const { objects, settings } = ctx.flowDeps;
  const report = await buildReport(ctx.flowDeps, ctx.deps.store, event.job.period, ctx.message.publishTime);
  await ctx.recordStep({ name: 'build', status: 'succeeded', detail: `${report.lines.length} SKU lines, total ${report.total.toFixed(2)} ${report.currency}` });
  const outputs = await publishReport(objects, settings.reportsBucket, report, event.job.formats);
  await ctx.recordStep({ name: 'publish', status: 'succeeded', detail: outputs.map((o) => o.uri).join(', ') });
  return {
    status: 'succeeded',
    reason: `cost report ${report.period.start.slice(0, 10)}–${report.period.end.slice(0, 10)}: ${report.total.toFixed(2)} ${report.currency}; ${outputs.length} output(s) in gs://${settings.reportsBucket}`,
    result: { period: report.period, total: report.total, outputs },
    refs: Object.fromEntries(outputs.map((o) => [o.format, o.uri])),
    statusEvent: {
      kind: 'CostReportPublished',
      period: report.period,
      currency: report.currency,
      total: report.total,
      monthToDate: report.monthToDate.cost,
      forecastMonthEnd: report.forecast.monthEnd,
      budget: report.budget,
      reconciliation: report.reconciliation,
      outputs: outputs.map((o) => ({ format: o.format, uri: o.uri, bytes: o.bytes })),
    },
  };
}
