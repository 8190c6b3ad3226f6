import { describe, expect, it } from 'vitest';
import { activeMaintenance, globMatches, windowOccurrence } from '../../../../shared/domain/remediation/maintenance.ts';
import type { MaintenanceWindow } from '../../../../shared/domain/remediation/rules.ts';

describe('globMatches', () => {
  it.each([
    ['app:*', 'app:zenml-server', true],
    ['app:*', 'instance:zenml-metadata', false],
    ['instance:zenml-?etadata', 'instance:zenml-metadata', true],
    ['app:zenml.server', 'app:zenml-server', false],
    ['*', 'anything', true],
  ])('%s ~ %s → %s', (glob, value, expected) => {
    expect(globMatches(glob, value)).toBe(expected);
  });
});

const oneOff: MaintenanceWindow = { name: 'upgrade', targets: ['instance:zenml-metadata'], start: '2026-01-10T02:00:00Z', end: '2026-01-10T04:00:00Z', reason: 'MySQL upgrade' };
// Saturday 22:00 to Sunday 02:00 UTC, every week.
const weekly: MaintenanceWindow = { name: 'weekend', targets: ['app:*'], weekly: { days: ['sat'], start: '22:00', end: '02:00' } };

describe('windowOccurrence', () => {
  it.each([
    [oneOff, '2026-01-10T01:59:59Z', false],
    [oneOff, '2026-01-10T02:00:00Z', true],
    [oneOff, '2026-01-10T03:59:59Z', true],
    [oneOff, '2026-01-10T04:00:00Z', false],
    // 2026-01-03 is a Saturday.
    [weekly, '2026-01-03T21:59:00Z', false],
    [weekly, '2026-01-03T22:00:00Z', true],
    [weekly, '2026-01-04T01:30:00Z', true],
    [weekly, '2026-01-04T02:00:00Z', false],
    [weekly, '2026-01-04T22:30:00Z', false],
    [weekly, '2026-01-10T23:00:00Z', true],
  ])('%s at %s → %s', (window, at, inside) => {
    expect(Boolean(windowOccurrence(window, new Date(at)))).toBe(inside);
  });

  it('gives the occurrence that contains now', () => {
    expect(windowOccurrence(weekly, new Date('2026-01-04T01:00:00Z'))).toEqual({ start: new Date('2026-01-03T22:00:00Z'), end: new Date('2026-01-04T02:00:00Z') });
  });
});

describe('activeMaintenance', () => {
  it('silences only the targets a window names', () => {
    const at = new Date('2026-01-10T03:00:00Z');
    expect(activeMaintenance([oneOff, weekly], 'instance:zenml-metadata', at)).toEqual({
      window: 'upgrade', reason: 'MySQL upgrade', start: '2026-01-10T02:00:00.000Z', end: '2026-01-10T04:00:00.000Z',
    });
    expect(activeMaintenance([oneOff, weekly], 'app:zenml-server', at)).toBeUndefined();
    expect(activeMaintenance([oneOff, weekly], 'app:zenml-server', new Date('2026-01-10T23:00:00Z'))?.window).toBe('weekend');
  });
});
