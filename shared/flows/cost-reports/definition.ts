/** The cost-report flow as the handler runtime runs it (decode, key, act). */
import { decodeCostReportJob } from '../../events/index.ts';
import type { FlowDefinition } from '../../runtime/flow.ts';
import { actCostReport, type CostReportEvent } from './act.ts';
import type { CostReportDeps } from './deps.ts';

export const costReportsFlow: FlowDefinition<CostReportEvent, CostReportDeps> = {
  flow: 'costReports',
  decode: decodeCostReportJob,
  actor: (e) => `scheduler:${e.job.job}`,
  describe: (e) => ({ job: e.job.job, period: e.job.period, slot: e.slot, formats: e.job.formats }),
  act: actCostReport,
};
