/**
 * Cloud SQL takes the automated backup inside a four-hour window that starts at
 * `backupConfiguration.startTime` (HH:MM UTC). A job that needs the instance must not collide
 * with it: inside the window it waits until the window's automated run has finished.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const AUTOMATED_BACKUP_WINDOW_MS = 4 * HOUR_MS;

/** The window containing `now`, or null when `now` is outside every window. */
export function automatedBackupWindow(startTime: string, now: Date, lengthMs = AUTOMATED_BACKUP_WINDOW_MS): { start: Date; end: Date } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(startTime);
  if (!m) throw new RangeError(`backup start time must be HH:MM (UTC), got "${startTime}"`);
  const offset = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  const t = now.getTime();
  let start = Math.floor((t - offset) / DAY_MS) * DAY_MS + offset;
  if (start > t) start -= DAY_MS;
  return t < start + lengthMs ? { start: new Date(start), end: new Date(start + lengthMs) } : null;
}
