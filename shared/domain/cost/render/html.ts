/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external
 * stylesheet, font or image, so it renders the same from a bucket, a mail or a disk.
 */
import type { CostReport } from '../report.ts';
import { escapeHtml as e, money, percent, quantity, unitPrice } from './format.ts';
import { monthToDateChart, stackedDailyBars, workspaceShares } from './svg.ts';

const TOP_SKUS = 10;

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:780px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}.figures{display:flex;gap:12px;flex-wrap:wrap}
.figure{border:1px solid #ddd;border-radius:6px;padding:8px 12px}.figure b{display:block;font-size:18px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left}
td.n,th.n{text-align:right}.legend{font-size:12px;margin:4px 0 0 64px}.key{margin-right:14px;white-space:nowrap}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}.note{color:#555;font-size:12px}`;

export function renderHtml(r: CostReport): string {
  const m = (x: number) => e(money(x, r.currency));
  const figures = [
    ['period total', m(r.total)],
    ['month to date', m(r.monthToDate.cost)],
    ['forecast (month end)', m(r.forecast.monthEnd)],
    ...(r.budget.amount !== null ? [['budget', `${m(r.budget.amount)} · ${e(percent(r.budget.forecastRatio))} forecast`]] : []),
  ].map(([k, v]) => `<div class="figure">${e(k!)}<b>${v}</b></div>`).join('');
  const rec = r.reconciliation
    ? `<p class="note">The latest budget notification (${e(r.reconciliation.billedAt)}) billed ${m(r.reconciliation.billedCost)}; this estimate for the same time is ${m(r.reconciliation.estimatedAtThatTime)} (${r.reconciliation.differencePct === null ? 'n/a' : e(`${r.reconciliation.differencePct.toFixed(1)} %`)} ${r.reconciliation.difference >= 0 ? 'over' : 'under'}).</p>`
    : '<p class="note">No budget notification this month yet: the budget is compared with the estimate.</p>';
  const rows = r.lines.slice(0, TOP_SKUS).map((l) => `<tr><td>${e(l.sku)}</td><td>${e(l.service)}</td><td>${e(l.description)}${l.tierStart > 0 ? e(` (tier from ${quantity(l.tierStart)})`) : ''}</td><td class="n">${e(quantity(l.usage))} ${e(l.unit)}</td><td class="n">${e(unitPrice(l.unitPrice))}</td><td class="n">${m(l.cost)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cost report ${e(r.period.start.slice(0, 10))} to ${e(r.period.end.slice(0, 10))}</title><style>${STYLE}</style></head>
<body>
<h1>Cost report: ${e(r.period.start.slice(0, 10))} to ${e(r.period.end.slice(0, 10))} (${e(r.period.kind)})</h1>
<div class="figures">${figures}</div>
${rec}
<h2>Cost per component per day</h2>
${stackedDailyBars(r)}
<h2>Share per workspace</h2>
${workspaceShares(r)}
<h2>Month to date and forecast against the budget</h2>
${monthToDateChart(r)}
<h2>Top SKUs</h2>
<table id="top-skus"><thead><tr><th>SKU</th><th>service</th><th>description</th><th class="n">usage</th><th class="n">unit price</th><th class="n">cost</th></tr></thead><tbody>${rows}</tbody></table>
<p class="note">Prices: ${e(r.prices.source)}. Generated ${e(r.generatedAt)}. Linear forecast ${m(r.forecast.linear)}.</p>
</body></html>
`;
}
