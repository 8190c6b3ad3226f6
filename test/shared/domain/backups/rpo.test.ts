import { describe, expect, it } from 'vitest';
import { metricAgeSeconds, newestSuccessfulBackup, rpoReading } from '../../../../shared/domain/backups/rpo.ts';
import { automatedBackupWindow } from '../../../../shared/domain/backups/window.ts';

const now = new Date('2026-03-10T12:00:00.000Z');

describe('RPO', () => {
  it('measures the newest successful backup against the objective', () => {
    const runs = [
      { id: '1', instance: 'i', type: 'AUTOMATED' as const, status: 'SUCCESSFUL' as const, endTime: new Date('2026-03-10T03:01:00Z') },
      { id: '2', instance: 'i', type: 'ON_DEMAND' as const, status: 'FAILED' as const, endTime: new Date('2026-03-10T11:00:00Z') },
      { id: '3', instance: 'i', type: 'ON_DEMAND' as const, status: 'RUNNING' as const },
    ];
    const newest = newestSuccessfulBackup(runs)!;
    expect(newest.id).toBe('1');
    const r = rpoReading('backup', newest.id, newest.endTime!, now, 26 * 3600);
    expect(r).toEqual({ kind: 'backup', source: '1', at: newest.endTime, ageSeconds: 8 * 3600 + 59 * 60, breached: false });
    expect(rpoReading('backup', '1', newest.endTime!, now, 3600).breached).toBe(true);
  });

  it('nothing at all is a breach, written as a large finite age', () => {
    const r = rpoReading('export', null, null, now, 26 * 3600);
    expect(r).toMatchObject({ ageSeconds: null, breached: true });
    expect(metricAgeSeconds(r, 26 * 3600)).toBe(30 * 86_400);
  });

  it('a copy stamped in the future has age 0', () => {
    expect(rpoReading('backup', 'x', new Date(now.getTime() + 5000), now, 60).ageSeconds).toBe(0);
  });
});

describe('automated backup window', () => {
  it('is the four hours from startTime, across midnight too', () => {
    expect(automatedBackupWindow('03:00', new Date('2026-03-10T05:59:00Z'))).toEqual({ start: new Date('2026-03-10T03:00:00Z'), end: new Date('2026-03-10T07:00:00Z') });
    expect(automatedBackupWindow('03:00', new Date('2026-03-10T07:00:00Z'))).toBeNull();
    expect(automatedBackupWindow('03:00', new Date('2026-03-10T02:59:00Z'))).toBeNull();
    expect(automatedBackupWindow('22:30', new Date('2026-03-11T01:00:00Z'))).toEqual({ start: new Date('2026-03-10T22:30:00Z'), end: new Date('2026-03-11T02:30:00Z') });
    expect(() => automatedBackupWindow('3am', now)).toThrow(/HH:MM/);
  });
});
