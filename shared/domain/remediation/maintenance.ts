/**
 * Maintenance windows silence remediation for the targets they name. A window is either one-off
 * (`start`/`end`, RFC 3339) or weekly (`weekly: {days, start: "HH:MM", end: "HH:MM"}`, in UTC; an
 * `end` at or before `start` runs past midnight into the next day). Targets are globs over target
 * keys: `*` is any run of characters, `?` one character (`app:*`, `instance:zenml-*`).
 */
import type { MaintenanceWindow } from './rules.ts';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

export function globMatches(glob: string, value: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${pattern}$`).test(value);
}

export function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** Whether `now` falls in the window; for weekly windows, the occurrence that contains it. */
export function windowOccurrence(window: MaintenanceWindow, now: Date): { start: Date; end: Date } | undefined {
  const t = now.getTime();
  if (window.weekly === undefined) {
    const start = new Date(window.start!);
    const end = new Date(window.end!);
    return t >= start.getTime() && t < end.getTime() ? { start, end } : undefined;
  }
  const startMin = minutesOfDay(window.weekly.start);
  let endMin = minutesOfDay(window.weekly.end);
  if (endMin <= startMin) endMin += 24 * 60;
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // An occurrence that began yesterday can still be running (windows past midnight).
  for (const dayStart of [midnight, midnight - DAY_MS]) {
    const day = WEEKDAYS[new Date(dayStart).getUTCDay()]!;
    if (!window.weekly.days.includes(day)) continue;
    const start = dayStart + startMin * 60_000;
    const end = dayStart + endMin * 60_000;
    if (t >= start && t < end) return { start: new Date(start), end: new Date(end) };
  }
  return undefined;
}

export interface ActiveMaintenance { window: string; reason?: string; start: string; end: string }

export function activeMaintenance(windows: readonly MaintenanceWindow[], target: string, now: Date): ActiveMaintenance | undefined {
  for (const w of windows) {
    if (!w.targets.some((g) => globMatches(g, target))) continue;
    const occurrence = windowOccurrence(w, now);
    if (occurrence) return { window: w.name, reason: w.reason, start: occurrence.start.toISOString(), end: occurrence.end.toISOString() };
  }
  return undefined;
}
