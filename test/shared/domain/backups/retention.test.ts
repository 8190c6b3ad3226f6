import { describe, expect, it } from 'vitest';
import { selectBackupRunsToDelete, selectExportsToPrune } from '../../../../shared/domain/backups/retention.ts';
import type { SqlBackupRun } from '../../../../shared/ports/sql-admin.ts';

const now = new Date('2026-03-30T12:00:00.000Z');
const DAY = 86_400_000;
let nextId = 1;
function run(daysAgo: number, type: SqlBackupRun['type'], status: SqlBackupRun['status'] = 'SUCCESSFUL'): SqlBackupRun {
  const t = new Date(now.getTime() - daysAgo * DAY);
  return { id: String(nextId++), instance: 'i', type, status, enqueuedTime: t, startTime: t, endTime: new Date(t.getTime() + 60_000) };
}

describe('backup run retention', () => {
  it('keeps the newest N successful on-demand runs and never touches AUTOMATED or running ones', () => {
    const runs = [run(0.5, 'ON_DEMAND', 'RUNNING'), run(1, 'ON_DEMAND'), run(2, 'AUTOMATED'), run(3, 'ON_DEMAND'), run(4, 'ON_DEMAND'), run(5, 'ON_DEMAND', 'FAILED'), run(40, 'AUTOMATED')];
    const d = selectBackupRunsToDelete(runs, { keepCount: 2 }, now);
    expect(d.delete.map((r) => r.id).sort()).toEqual([runs[4]!.id, runs[5]!.id].sort());
    expect(d.keep.find((k) => k.item === runs[0])!.why).toBe('status RUNNING');
    expect(d.keep.find((k) => k.item === runs[6])!.why).toMatch(/rotated by Cloud SQL/);
  });

  it('deletes by age only when a newer successful backup exists', () => {
    const old = [run(30, 'ON_DEMAND'), run(20, 'ON_DEMAND', 'FAILED')];
    // Nothing newer succeeded: the newest successful run is kept whatever its age; the failed one stays (nothing newer succeeded).
    const d = selectBackupRunsToDelete(old, { maxAgeDays: 7 }, now);
    expect(d.delete).toEqual([]);
    expect(d.keep.map((k) => k.why)).toEqual(['no newer successful backup exists', 'newest successful backup']);
    const withNew = [...old, run(1, 'ON_DEMAND')];
    expect(selectBackupRunsToDelete(withNew, { maxAgeDays: 7 }, now).delete.map((r) => r.id).sort()).toEqual([old[0]!.id, old[1]!.id].sort());
  });

  it('a newest successful AUTOMATED run allows deleting old on-demand ones but is never deleted itself', () => {
    const runs = [run(1, 'AUTOMATED'), run(10, 'ON_DEMAND')];
    const d = selectBackupRunsToDelete(runs, { maxAgeDays: 7 }, now);
    expect(d.delete.map((r) => r.id)).toEqual([runs[1]!.id]);
  });

  it('count and age together: both limits apply', () => {
    const runs = [run(1, 'ON_DEMAND'), run(2, 'ON_DEMAND'), run(9, 'ON_DEMAND'), run(10, 'ON_DEMAND')];
    expect(selectBackupRunsToDelete(runs, { keepCount: 3, maxAgeDays: 7 }, now).delete.map((r) => r.id).sort()).toEqual([runs[2]!.id, runs[3]!.id].sort());
  });

  it('refuses an empty or bad policy', () => {
    expect(() => selectBackupRunsToDelete([], {}, now)).toThrow(/keepCount, maxAgeDays/);
    expect(() => selectBackupRunsToDelete([], { keepCount: 0 }, now)).toThrow(/keepCount/);
  });

  it('over 100 random histories: AUTOMATED and the newest successful run are never selected', () => {
    let seed = 7;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let h = 0; h < 100; h++) {
      const statuses: SqlBackupRun['status'][] = ['SUCCESSFUL', 'SUCCESSFUL', 'SUCCESSFUL', 'FAILED', 'RUNNING', 'ENQUEUED'];
      const runs = Array.from({ length: 1 + Math.floor(random() * 80) }, () => run(random() * 60, random() < 0.3 ? 'AUTOMATED' : 'ON_DEMAND', statuses[Math.floor(random() * statuses.length)]!));
      const policy = random() < 0.5 ? { keepCount: 1 + Math.floor(random() * 5) } : { maxAgeDays: 1 + random() * 10 };
      const d = selectBackupRunsToDelete(runs, policy, now);
      const newest = [...runs].filter((r) => r.status === 'SUCCESSFUL').sort((a, b) => b.endTime!.getTime() - a.endTime!.getTime())[0];
      expect(d.delete.some((r) => r.type === 'AUTOMATED' || r === newest || r.status === 'RUNNING' || r.status === 'ENQUEUED')).toBe(false);
      expect(d.delete.length + d.keep.length).toBe(runs.length);
      for (const r of d.delete) expect(newest && newest.endTime!.getTime() > r.endTime!.getTime()).toBe(true);
    }
  });
});

describe('export pruning', () => {
  const e = (daysAgo: number, held = false) => ({
    name: `i/${daysAgo}`, slot: new Date(now.getTime() - daysAgo * DAY),
    ...(held ? { retentionExpiresAt: new Date(now.getTime() + DAY) } : {}),
  });

  it('keeps the newest export always and those under the bucket retention policy', () => {
    const list = [e(40), e(1), e(20, true), e(30)];
    const d = selectExportsToPrune(list, { maxAgeDays: 7 }, now);
    expect(d.delete.map((x) => x.name).sort()).toEqual(['i/30', 'i/40']);
    expect(d.keep.map((k) => k.why)).toEqual(['newest export', `held by the bucket's retention policy until ${new Date(now.getTime() + DAY).toISOString()}`]);
    expect(selectExportsToPrune([e(100)], { maxAgeDays: 1 }, now).delete).toEqual([]);
  });

  it('keeps the newest N', () => {
    expect(selectExportsToPrune([e(1), e(2), e(3)], { keepCount: 2 }, now).delete.map((x) => x.name)).toEqual(['i/3']);
  });
});
