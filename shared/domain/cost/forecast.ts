/**
 * Month-end forecasts from the month's daily costs. Linear: the month-to-date rate carried to the
 * month's end. Weekday-aware: each remaining day costs the average of the month's complete days
 * of its kind (weekday or weekend), because pipelines and people run on weekdays; a kind not yet
 * seen this month takes the average of all complete days.
 */
import { utcDay } from './meters.ts';

const DAY_MS = 86_400_000;

export interface ForecastInput {
  monthStartMs: number;
  monthEndMs: number;
  asOfMs: number;
  /** Nanos per UTC day (YYYY-MM-DD) of the month up to asOf. */
  dailyNanos: ReadonlyMap<string, number>;
}

export interface Forecast {
  monthToDateNanos: number;
  linearNanos: number;
  weekdayAwareNanos: number;
}

const isWeekend = (ms: number) => { const d = new Date(ms).getUTCDay(); return d === 0 || d === 6; };

export function monthBounds(asOfMs: number): { startMs: number; endMs: number } {
  const d = new Date(asOfMs);
  return { startMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), endMs: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

export function forecastMonth(input: ForecastInput): Forecast {
  const { monthStartMs, monthEndMs, asOfMs } = input;
  if (!(monthStartMs < asOfMs && asOfMs <= monthEndMs)) throw new RangeError('asOf must fall inside the month');
  let mtd = 0;
  for (const [day, nanos] of input.dailyNanos) if (Date.parse(`${day}T00:00:00Z`) >= monthStartMs && Date.parse(`${day}T00:00:00Z`) < asOfMs) mtd += nanos;
  const linear = Math.round(mtd * ((monthEndMs - monthStartMs) / (asOfMs - monthStartMs)));

  const todayStart = Math.floor(asOfMs / DAY_MS) * DAY_MS;
  const complete: Array<{ ms: number; nanos: number }> = [];
  for (let t = monthStartMs; t < todayStart; t += DAY_MS) complete.push({ ms: t, nanos: input.dailyNanos.get(utcDay(t)) ?? 0 });
  if (complete.length === 0) return { monthToDateNanos: mtd, linearNanos: linear, weekdayAwareNanos: linear };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const all = mean(complete.map((c) => c.nanos));
  const weekend = complete.filter((c) => isWeekend(c.ms)).map((c) => c.nanos);
  const weekday = complete.filter((c) => !isWeekend(c.ms)).map((c) => c.nanos);
  const rate = (ms: number) => (isWeekend(ms) ? (weekend.length ? mean(weekend) : all) : (weekday.length ? mean(weekday) : all));
  let rest = 0;
  if (todayStart < monthEndMs && asOfMs < todayStart + DAY_MS) rest += rate(todayStart) * ((todayStart + DAY_MS - asOfMs) / DAY_MS);
  for (let t = todayStart + DAY_MS; t < monthEndMs; t += DAY_MS) rest += rate(t);
  return { monthToDateNanos: mtd, linearNanos: linear, weekdayAwareNanos: Math.round(mtd + rest) };
}
