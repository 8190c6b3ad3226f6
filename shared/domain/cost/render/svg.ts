/**
 * The report's charts as inline SVG (no script, no external reference): stacked bars per
 * component per day, shares per workspace, and month to date with the forecast against the budget.
 */
import type { CostReport } from '../report.ts';
import { escapeHtml, money } from './format.ts';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function colourOf(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

const f = (n: number) => (Math.round(n * 100) / 100).toString();

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export function stackedDailyBars(r: CostReport): string {
  const W = 720; const H = 300; const L = 64; const B = 40; const T = 16;
  const components = r.byComponent.map((c) => c.component);
  const max = niceMax(Math.max(0, ...r.byDay.map((d) => d.cost)));
  const plotW = W - L - 16; const plotH = H - B - T;
  const slot = plotW / Math.max(1, r.byDay.length);
  const bw = Math.max(4, slot * 0.7);
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4; const y = T + plotH - (plotH * i) / 4;
    parts.push(`<line x1="${L}" x2="${W - 16}" y1="${f(y)}" y2="${f(y)}" stroke="#ddd"/><text x="${L - 6}" y="${f(y + 4)}" text-anchor="end" font-size="11">${escapeHtml(money(v, r.currency))}</text>`);
  }
  r.byDay.forEach((d, i) => {
    const x = L + i * slot + (slot - bw) / 2;
    let y = T + plotH;
    components.forEach((c, ci) => {
      const v = d.byComponent[c] ?? 0;
      if (v <= 0) return;
      const h = (plotH * v) / max;
      y -= h;
      parts.push(`<rect class="bar" x="${f(x)}" y="${f(y)}" width="${f(bw)}" height="${f(Math.max(h, 0.5))}" fill="${colourOf(ci)}"><title>${escapeHtml(`${d.day} ${c}: ${money(v, r.currency)}`)}</title></rect>`);
    });
    parts.push(`<text x="${f(x + bw / 2)}" y="${H - B + 16}" text-anchor="middle" font-size="11">${d.day.slice(5)}</text>`);
  });
  const legend = components.map((c, ci) => `<span class="key"><i style="background:${colourOf(ci)}"></i>${escapeHtml(c)}</span>`).join('');
  return `<svg id="chart-daily" role="img" aria-label="Cost per component per day" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg><div class="legend">${legend}</div>`;
}

export function workspaceShares(r: CostReport): string {
  const W = 720; const row = 26; const L = 150;
  const H = Math.max(1, r.byWorkspace.length) * row + 10;
  const max = Math.max(0, ...r.byWorkspace.map((w) => w.cost));
  const parts = r.byWorkspace.map((w, i) => {
    const share = r.total > 0 ? w.cost / r.total : 0;
    const width = max > 0 ? ((W - L - 140) * w.cost) / max : 0;
    const y = 5 + i * row;
    return `<text x="${L - 8}" y="${y + 16}" text-anchor="end" font-size="12">${escapeHtml(w.workspace)}</text>`
      + `<rect class="bar" x="${L}" y="${y + 3}" width="${f(Math.max(width, 0.5))}" height="${row - 8}" fill="${colourOf(i)}"><title>${escapeHtml(`${w.workspace}: ${money(w.cost, r.currency)}`)}</title></rect>`
      + `<text x="${f(L + width + 8)}" y="${y + 16}" font-size="12">${escapeHtml(`${money(w.cost, r.currency)} (${(share * 100).toFixed(1)} %)`)}</text>`;
  });
  return `<svg id="chart-workspaces" role="img" aria-label="Share of cost per workspace" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

export function monthToDateChart(r: CostReport): string {
  const W = 720; const H = 300; const L = 64; const B = 40; const T = 16;
  const monthStart = Date.parse(r.monthToDate.start);
  const asOf = Date.parse(r.monthToDate.asOf);
  const d = new Date(monthStart);
  const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const days = (monthEnd - monthStart) / 86_400_000;
  const max = niceMax(Math.max(r.forecast.monthEnd, r.budget.amount ?? 0, r.monthToDate.cost) * 1.05);
  const plotW = W - L - 16; const plotH = H - B - T;
  const x = (ms: number) => L + (plotW * (ms - monthStart)) / (monthEnd - monthStart);
  const y = (v: number) => T + plotH - (plotH * v) / max;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<line x1="${L}" x2="${W - 16}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#ddd"/><text x="${L - 6}" y="${f(y(v) + 4)}" text-anchor="end" font-size="11">${escapeHtml(money(v, r.currency))}</text>`);
  }
  for (let i = 0; i < days; i += 5) parts.push(`<text x="${f(x(monthStart + i * 86_400_000))}" y="${H - B + 16}" text-anchor="middle" font-size="11">${i + 1}</text>`);
  const points = [[monthStart, 0], ...r.monthToDate.byDay.map((b) => [Math.min(Date.parse(`${b.day}T00:00:00Z`) + 86_400_000, asOf), b.cumulative])] as Array<[number, number]>;
  parts.push(`<polyline id="mtd-line" fill="none" stroke="#4e79a7" stroke-width="2.5" points="${points.map(([t, v]) => `${f(x(t))},${f(y(v))}`).join(' ')}"/>`);
  parts.push(`<line id="forecast-line" x1="${f(x(asOf))}" y1="${f(y(r.monthToDate.cost))}" x2="${f(x(monthEnd))}" y2="${f(y(r.forecast.monthEnd))}" stroke="#f28e2b" stroke-width="2.5" stroke-dasharray="6 4"/>`);
  parts.push(`<text x="${f(x(monthEnd) - 4)}" y="${f(y(r.forecast.monthEnd) - 6)}" text-anchor="end" font-size="11">${escapeHtml(`forecast ${money(r.forecast.monthEnd, r.currency)}`)}</text>`);
  if (r.budget.amount !== null) {
    parts.push(`<line id="budget-line" x1="${L}" x2="${W - 16}" y1="${f(y(r.budget.amount))}" y2="${f(y(r.budget.amount))}" stroke="#e15759" stroke-width="1.5"/>`);
    parts.push(`<text x="${L + 4}" y="${f(y(r.budget.amount) - 6)}" font-size="11" fill="#e15759">${escapeHtml(`budget ${money(r.budget.amount, r.currency)}`)}</text>`);
  }
  return `<svg id="chart-month" role="img" aria-label="Month to date and forecast against the budget" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`
    + '<div class="legend"><span class="key"><i style="background:#4e79a7"></i>month to date</span><span class="key"><i style="background:#f28e2b"></i>forecast</span><span class="key"><i style="background:#e15759"></i>budget</span></div>';
}
