import type { CostReport } from '../report.ts';

export function renderJson(report: CostReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
