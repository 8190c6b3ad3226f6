/** The report as Markdown: the figures, the breakdowns and every SKU line. */
import type { CostReport } from '../report.ts';
import { money, percent, quantity, unitPrice } from './format.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(r: CostReport): string {
  const m = (x: number) => money(x, r.currency);
  const out: string[] = [];
  out.push(`# Cost report: ${r.period.start.slice(0, 10)} to ${r.period.end.slice(0, 10)} (${r.period.kind})`, '');
  out.push(`Total for the period: **${m(r.total)}**. Month to date: ${m(r.monthToDate.cost)}; forecast for the month: **${m(r.forecast.monthEnd)}** (weekday-aware; linear ${m(r.forecast.linear)}).`);
  if (r.budget.amount !== null) out.push('', `Budget${r.budget.name ? ` "${r.budget.name}"` : ''}: ${m(r.budget.amount)}; spent ${m(r.budget.spent)} (${percent(r.budget.spentRatio)}, from the ${r.budget.spentSource === 'budget-notification' ? 'latest budget notification' : 'estimate'}); forecast ${percent(r.budget.forecastRatio)} of it.`);
  if (r.reconciliation) {
    const c = r.reconciliation;
    out.push('', `Reconciliation: the latest budget notification (${c.billedAt}) billed ${m(c.billedCost)}; this estimate for the same time is ${m(c.estimatedAtThatTime)}, ${c.difference >= 0 ? 'over' : 'under'} by ${m(Math.abs(c.difference))}${c.differencePct === null ? '' : ` (${c.differencePct.toFixed(1)} %)`}.`);
  }
  out.push('', '## By component', '', '| component | cost |', '| --- | ---: |', ...r.byComponent.map((c) => `| ${cell(c.component)} | ${m(c.cost)} |`));
  out.push('', '## By workspace', '', '| workspace | cost | share |', '| --- | ---: | ---: |', ...r.byWorkspace.map((w) => `| ${cell(w.workspace)} | ${m(w.cost)} | ${percent(r.total ? w.cost / r.total : null)} |`));
  out.push('', '## By day', '', '| day | cost |', '| --- | ---: |', ...r.byDay.map((d) => `| ${d.day} | ${m(d.cost)} |`));
  out.push('', '## SKU lines', '', '| SKU | service | description | usage | unit | unit price | cost |', '| --- | --- | --- | ---: | --- | ---: | ---: |',
    ...r.lines.map((l) => `| ${l.sku} | ${cell(l.service)} | ${cell(l.description)}${l.tierStart > 0 ? ` (tier from ${quantity(l.tierStart)})` : ''} | ${quantity(l.usage)} | ${l.unit} | ${unitPrice(l.unitPrice)} | ${m(l.cost)} |`));
  out.push('', `Prices: ${r.prices.source}. Generated ${r.generatedAt}.`, '');
  return out.join('\n');
}
