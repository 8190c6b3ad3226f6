import { describe, expect, it } from 'vitest';
import { age, duration, renderTable } from '../../../../../shared/local/cli/format/table.ts';
import { prettyLine } from '../../../../../shared/local/cli/pretty-log.ts';

describe('renderTable', () => {
  const columns = [{ header: 'ID' }, { header: 'STATUS', status: true }, { header: 'REASON', shrink: true, min: 10 }];
  const rows = [['a1', 'failed', 'x'.repeat(300)], ['b2', 'succeeded', 'short']];

  it('fits the width by cutting the shrinkable columns, with an ellipsis', () => {
    const out = renderTable(columns, rows, { width: 100 });
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(out).toContain('…');
    expect(out.split('\n')[2]).toMatch(/^b2\s+succeeded\s+short$/);
  });

  it('colours only when asked, and colour does not count as width', () => {
    expect(renderTable(columns, rows, { width: 100 })).not.toContain('\u001b[');
    const coloured = renderTable(columns, rows, { width: 100, color: true });
    expect(coloured).toContain('\u001b[31mfailed\u001b[0m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderTable(columns, rows, { width: 100 }));
  });
});

describe('age and duration', () => {
  it('reads like kubectl', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(age('2026-01-01T11:59:18Z', now)).toBe('42s');
    expect(age('2026-01-01T11:55:00Z', now)).toBe('5m');
    expect(age('2025-12-30T12:00:00Z', now)).toBe('2d');
    expect(duration(250)).toBe('250ms');
    expect(duration(3 * 3600_000)).toBe('3h');
  });
});

describe('prettyLine', () => {
  it('turns a Cloud Logging JSON line into one short line, and passes anything else through', () => {
    const line = JSON.stringify({ severity: 'WARNING', time: '2026-01-01T12:00:05.123Z', message: 'remediation finished', flow: 'alerts', runId: '0164359f-e7b9', status: 'failed', err: 'point in time outside the window' });
    expect(prettyLine(line, false)).toBe('12:00:05  WARN   alerts 0164359f  remediation finished  status=failed err="point in time outside the window"');
    expect(prettyLine('not json', false)).toBe('not json');
  });
});
