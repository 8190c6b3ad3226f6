/**
 * Names the backups flow gives to what it creates, and how it recognises them again later
 * (retention prunes exports by the date in their name; the drill sweep finds stale drill clones
 * by theirs). Pure: the flow and the workflows use the same rules.
 */

/** `20260310T1200Z`: a schedule slot as it appears in object names (UTC, minute precision). */
export function slotStamp(slot: Date): string {
  const iso = slot.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/** `<instance>/<yyyy>/<mm>/<dd>/<instance>-<slot>.sql.gz`; the `.gz` suffix makes Cloud SQL compress the dump. */
export function exportObjectName(instance: string, slot: Date): string {
  const iso = slot.toISOString();
  return `${instance}/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${instance}-${slotStamp(slot)}.sql.gz`;
}

/** The slot of an export object of `instance`, or null for any other object (never pruned). */
export function parseExportObjectName(instance: string, name: string): Date | null {
  const escaped = instance.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${escaped}/(\\d{4})/(\\d{2})/(\\d{2})/${escaped}-(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})Z\\.sql\\.gz$`).exec(name);
  if (!m) return null;
  const [, y, mo, d, y2, mo2, d2, hh, mm] = m;
  if (y !== y2 || mo !== mo2 || d !== d2) return null;
  const at = new Date(`${y}-${mo}-${d}T${hh}:${mm}:00.000Z`);
  return Number.isNaN(at.getTime()) || slotStamp(at) !== `${y}${mo}${d}T${hh}${mm}Z` ? null : at;
}

/** `yyyymmddhhmm` in UTC, as the recovery workflows stamp the instances they create. */
export function minuteStamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** Cloud SQL instance ids are at most 98 characters (project id + instance id at most 98 together in practice). */
const MAX_INSTANCE_NAME = 98;

/** `<instance>-drill-<yyyymmddhhmm>`: the throwaway clone of one restore drill. */
export function drillInstanceName(instance: string, startedAt: Date): string {
  const name = `${instance}-drill-${minuteStamp(startedAt)}`;
  if (name.length > MAX_INSTANCE_NAME) throw new RangeError(`drill instance name ${name} is longer than ${MAX_INSTANCE_NAME} characters`);
  return name;
}

/** When the drill clone `name` of `instance` was started, or null when `name` is not one. */
export function parseDrillInstanceName(instance: string, name: string): Date | null {
  const prefix = `${instance}-drill-`;
  if (!name.startsWith(prefix)) return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(name.slice(prefix.length));
  if (!m) return null;
  const at = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00.000Z`);
  return Number.isNaN(at.getTime()) || minuteStamp(at) !== name.slice(prefix.length) ? null : at;
}

/** Drill clones older than `maxAgeMs` at `now`: what a sweep deletes (a drill that could not clean up after itself). */
export function staleDrillInstances(instance: string, names: readonly string[], now: Date, maxAgeMs: number): string[] {
  return names.filter((n) => {
    const at = parseDrillInstanceName(instance, n);
    return at !== null && now.getTime() - at.getTime() > maxAgeMs;
  }).sort();
}

/** The description of an on-demand backup run: names the job and the slot, so a redelivery finds its own run. */
export function backupRunDescription(job: string, slot: Date): string {
  return `stackctl backup job=${job} slot=${slot.toISOString()}`;
}

export const BACKUP_DESCRIPTION_PREFIX = 'stackctl backup ';
