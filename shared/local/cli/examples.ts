/**
 * The incidents in examples/ carry a fixed `started_at`, which ages out of a Cloud SQL recovery
 * window (7 days) and then makes pitr-restore refuse. Published from examples/, an incident's
 * times are moved to now (started two minutes ago), so the README's commands keep working;
 * `--keep-times` sends the file as it is. Files anywhere else are never touched.
 */
import { dirname, join, relative, sep } from 'node:path';
import { findCheckout, ownCheckout } from './data-dir.ts';

const START_OFFSET_S = 120;

export function isExampleFile(file: string): boolean {
  const root = findCheckout(dirname(file)) ?? ownCheckout();
  const rel = relative(join(root, 'examples'), file);
  return rel !== '' && !rel.startsWith('..') && !rel.includes(`..${sep}`);
}

export function freshExampleTimes(file: string, value: unknown, now: Date): { value: unknown; note: string } | undefined {
  if (!isExampleFile(file) || !value || typeof value !== 'object') return undefined;
  const incident = (value as { incident?: Record<string, unknown> }).incident;
  if (!incident || typeof incident !== 'object' || typeof incident.started_at !== 'number') return undefined;
  const nowS = Math.floor(now.getTime() / 1000);
  const started = nowS - START_OFFSET_S;
  const ended = typeof incident.ended_at === 'number' && incident.ended_at > 0 ? nowS : incident.ended_at;
  const shifted = { ...(value as object), incident: { ...incident, started_at: started, ended_at: ended } };
  return {
    value: shifted,
    note: `${relative(process.cwd(), file) || file}: incident.started_at set to ${new Date(started * 1000).toISOString()} (examples carry a fixed time; --keep-times sends it unchanged)`,
  };
}
