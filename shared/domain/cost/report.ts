/**
 * The cost report: usage priced per SKU line, per component, per workspace and per day for the
 * period; month to date and the month-end forecast against the budget; and how far the estimate
 * is from the bill the latest budget notification stated. Every part is a sum of the same priced
 * pieces in integer nanos, so each breakdown adds up to the total exactly.
 */
import { forecastMonth, monthBounds } from './forecast.ts';
import { fromNanos, sumNanos } from './money.ts';
import type { PricedPiece } from './price.ts';

export type ReportPeriodKind = 'week' | 'month';

export interface ReportLine {
  sku: string;
  service: string;
  description: string;
  /** In `unit`. */
  usage: number;
  unit: string;
  /** The catalog's price of one `unit` in the tier this line is in. */
  unitPrice: number;
  /** Start of the tier (in `unit`, cumulative over the month). */
  tierStart: number;
  cost: number;
}

export interface CostReport {
  apiVersion: 'stackctl/v1';
  kind: 'CostReport';
  currency: string;
  generatedAt: string;
  period: { kind: ReportPeriodKind; start: string; end: string };
  total: number;
  byComponent: Array<{ component: string; cost: number }>;
  byWorkspace: Array<{ workspace: string; cost: number }>;
  byDay: Array<{ day: string; cost: number; byComponent: Record<string, number> }>;
  lines: ReportLine[];
  monthToDate: { start: string; asOf: string; cost: number; byDay: Array<{ day: string; cost: number; cumulative: number }> };
  forecast: { monthEnd: number; method: 'weekday-aware'; linear: number; weekdayAware: number };
  budget: { amount: number | null; spent: number; spentSource: 'budget-notification' | 'estimate'; spentRatio: number | null; forecastRatio: number | null; name?: string };
  reconciliation: null | { billedCost: number; billedAt: string; interval: string; estimatedAtThatTime: number; difference: number; differencePct: number | null };
  prices: { source: string; currency: string };
}

export interface BudgetContext {
  name?: string;
  amount: number | null;
  /** The latest budget notification of the month, if any: Google's own figure of the spend so far. */
  latest?: { costAmount: number; interval: string; receivedAt: string };
}

export interface ReportInput {
  kind: ReportPeriodKind;
  periodStartMs: number;
  periodEndMs: number;
  /** Priced pieces from the start of the period's first month to `generatedAt` (see usageWindow). */
  pieces: readonly PricedPiece[];
  currency: string;
  priceSource: string;
  budget: BudgetContext;
  generatedAt: Date;
}

const iso = (ms: number) => new Date(ms).toISOString();

function groupSum<K>(pieces: readonly PricedPiece[], key: (p: PricedPiece) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const p of pieces) m.set(key(p), (m.get(key(p)) ?? 0) + p.costNanos);
  return m;
}

const byCostDesc = <T extends { cost: number }>(a: T & Record<string, unknown>, b: T & Record<string, unknown>, name: string) => b.cost - a.cost || String(a[name]).localeCompare(String(b[name]));

export function buildCostReport(input: ReportInput): CostReport {
  if (!(input.periodStartMs < input.periodEndMs)) throw new RangeError('the report period must end after it starts');
  const inPeriod = input.pieces.filter((p) => p.record.atMs >= input.periodStartMs && p.record.atMs < input.periodEndMs);

  const lineMap = new Map<string, { piece: PricedPiece; usage: number; nanos: number }>();
  for (const p of inPeriod) {
    const key = `${p.sku.skuId}|${p.tierStart}`;
    const line = lineMap.get(key) ?? { piece: p, usage: 0, nanos: 0 };
    line.usage += p.usage;
    line.nanos += p.costNanos;
    lineMap.set(key, line);
  }
  const lines: ReportLine[] = [...lineMap.values()].map(({ piece, usage, nanos }) => ({
    sku: piece.sku.skuId, service: piece.sku.serviceName, description: piece.sku.description,
    usage, unit: piece.sku.usageUnit, unitPrice: piece.unitPrice, tierStart: piece.tierStart, cost: fromNanos(nanos),
  })).sort((a, b) => b.cost - a.cost || a.sku.localeCompare(b.sku) || a.tierStart - b.tierStart);

  const totalNanos = sumNanos(inPeriod.map((p) => p.costNanos));
  const byComponent = [...groupSum(inPeriod, (p) => p.record.component)].map(([component, n]) => ({ component, cost: fromNanos(n) })).sort((a, b) => byCostDesc(a, b, 'component'));
  const byWorkspace = [...groupSum(inPeriod, (p) => p.record.workspace)].map(([workspace, n]) => ({ workspace, cost: fromNanos(n) })).sort((a, b) => byCostDesc(a, b, 'workspace'));
  const days: CostReport['byDay'] = [];
  for (let t = Math.floor(input.periodStartMs / 86_400_000) * 86_400_000; t < input.periodEndMs; t += 86_400_000) {
    const day = iso(t).slice(0, 10);
    const ofDay = inPeriod.filter((p) => p.record.day === day);
    days.push({ day, cost: fromNanos(sumNanos(ofDay.map((p) => p.costNanos))), byComponent: Object.fromEntries([...groupSum(ofDay, (p) => p.record.component)].map(([c, n]) => [c, fromNanos(n)])) });
  }

  // Month to date and forecast: the month the report is made in (for a week ending at midnight
  // on the 1st, the new month's first hours, not the month just closed).
  const asOfMs = Math.max(input.generatedAt.getTime(), input.periodEndMs);
  const month = monthBounds(asOfMs === input.periodEndMs ? asOfMs - 1 : asOfMs);
  const monthPieces = input.pieces.filter((p) => p.record.atMs >= month.startMs && p.record.atMs < asOfMs);
  const daily = groupSum(monthPieces, (p) => p.record.day);
  const forecast = forecastMonth({ monthStartMs: month.startMs, monthEndMs: month.endMs, asOfMs, dailyNanos: daily });
  let cumulative = 0;
  const mtdDays: CostReport['monthToDate']['byDay'] = [];
  for (let t = month.startMs; t < asOfMs; t += 86_400_000) {
    const day = iso(t).slice(0, 10);
    const n = daily.get(day) ?? 0;
    cumulative += n;
    mtdDays.push({ day, cost: fromNanos(n), cumulative: fromNanos(cumulative) });
  }

  const latest = input.budget.latest && Date.parse(input.budget.latest.interval) === month.startMs ? input.budget.latest : undefined;
  const spentNanos = latest ? Math.round(latest.costAmount * 1e9) : forecast.monthToDateNanos;
  const amount = input.budget.amount;
  let reconciliation: CostReport['reconciliation'] = null;
  if (latest) {
    const at = Date.parse(latest.receivedAt);
    const estimated = sumNanos(monthPieces.filter((p) => p.record.atMs < at).map((p) => p.costNanos));
    const diff = estimated - Math.round(latest.costAmount * 1e9);
    reconciliation = {
      billedCost: latest.costAmount, billedAt: latest.receivedAt, interval: latest.interval,
      estimatedAtThatTime: fromNanos(estimated), difference: fromNanos(diff),
      differencePct: latest.costAmount !== 0 ? (diff / Math.round(latest.costAmount * 1e9)) * 100 : null,
    };
  }

  return {
    apiVersion: 'stackctl/v1',
    kind: 'CostReport',
    currency: input.currency,
    generatedAt: input.generatedAt.toISOString(),
    period: { kind: input.kind, start: iso(input.periodStartMs), end: iso(input.periodEndMs) },
    total: fromNanos(totalNanos),
    byComponent,
    byWorkspace,
    byDay: days,
    lines,
    monthToDate: { start: iso(month.startMs), asOf: iso(asOfMs), cost: fromNanos(forecast.monthToDateNanos), byDay: mtdDays },
    forecast: { monthEnd: fromNanos(forecast.weekdayAwareNanos), method: 'weekday-aware', linear: fromNanos(forecast.linearNanos), weekdayAware: fromNanos(forecast.weekdayAwareNanos) },
    budget: {
      ...(input.budget.name ? { name: input.budget.name } : {}),
      amount,
      spent: fromNanos(spentNanos),
      spentSource: latest ? 'budget-notification' : 'estimate',
      spentRatio: amount ? fromNanos(spentNanos) / amount : null,
      forecastRatio: amount ? fromNanos(forecast.weekdayAwareNanos) / amount : null,
    },
    reconciliation,
    prices: { source: input.priceSource, currency: input.currency },
  };
}

/** The report period: the 7 UTC days before asOf's day (week), or the month to date (month). */
export function reportPeriod(kind: ReportPeriodKind, asOf: Date): { startMs: number; endMs: number } {
  const dayStart = Math.floor(asOf.getTime() / 86_400_000) * 86_400_000;
  if (kind === 'week') return { startMs: dayStart - 7 * 86_400_000, endMs: dayStart };
  const { startMs } = monthBounds(asOf.getTime());
  // On the first instant of a month, "this month so far" is empty: report the month just ended.
  if (startMs === asOf.getTime()) return { startMs: monthBounds(startMs - 1).startMs, endMs: startMs };
  return { startMs, endMs: asOf.getTime() };
}

/** The usage a report needs: from the start of the period's billing month (tiers) to asOf (month to date). */
export function usageWindow(period: { startMs: number; endMs: number }, asOf: Date = new Date(period.endMs)): { startMs: number; endMs: number } {
  return { startMs: monthBounds(period.startMs).startMs, endMs: Math.max(period.endMs, asOf.getTime()) };
}
