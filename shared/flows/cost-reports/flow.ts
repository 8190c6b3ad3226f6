/**
 * Cost reports: Cloud Scheduler's CostReportJob on cp-cost-report-jobs. Usage from Monitoring
 * priced with the Catalog, written as JSON, Markdown and HTML to the reports bucket (see act.ts).
 */
import { costReportJobSchema, decodeCostReportJob } from '../../events/index.ts';
import type { FlowDeclaration } from '../../runtime/flow.ts';
import { actCostReport, type CostReportEvent } from './act.ts';
import type { CostReportDeps } from './deps.ts';

export const costReportsFlow: FlowDeclaration<CostReportEvent, CostReportDeps, 'costReports'> = {
  flow: 'costReports',
  functionName: 'costReports',
  // Key: costReports:<job>:<schedule slot>; the target is the report job.
  decode: decodeCostReportJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, period: e.job.period, slot: e.slot, formats: e.job.formats }),
  loadDeps: async (env) => (await import('../../runtime/adapters/cost-reports.ts')).costReportDeps(env.config, env.clock, env.endpoint),
  act: actCostReport,
  messages: [{ kind: 'CostReportJob', schema: costReportJobSchema }],
  cli: { kind: 'cost-job', examples: [{ file: 'cost-job.json' }] },
};
