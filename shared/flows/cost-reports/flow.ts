/**
 * Cost reports: Cloud Scheduler's CostReportJob on cp-cost-report-jobs. Until the flow's own
 * issue lands, `act` records the validated, deduplicated run as `accepted` and takes no action
 * (the README's status table says so).
 */
import { costReportJobSchema, decodeCostReportJob, type EventOfKind } from '../../events/index.ts';
import type { FlowDeclaration, NoDeps } from '../../runtime/flow.ts';

export const costReportsFlow: FlowDeclaration<EventOfKind<'CostReportJob'>, NoDeps, 'costReports'> = {
  flow: 'costReports',
  functionName: 'costReports',
  // Key: costReports:<job>:<schedule slot>; the target is the report job.
  decode: decodeCostReportJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, period: e.job.period, slot: e.slot }),
  loadDeps: async () => ({}),
  act: async () => ({ status: 'accepted', reason: 'validated and recorded; this flow takes no action yet' }),
  messages: [{ kind: 'CostReportJob', schema: costReportJobSchema }],
  cli: { kind: 'cost-job', examples: [{ file: 'cost-job.json' }] },
};
