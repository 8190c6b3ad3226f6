import { describe, expect, it } from 'vitest';
import {
  backupRunDescription, drillInstanceName, exportObjectName, parseDrillInstanceName, parseExportObjectName, slotStamp, staleDrillInstances,
} from '../../../../shared/domain/backups/names.ts';

const slot = new Date('2026-03-10T12:00:00.000Z');

describe('backup names', () => {
  it('names exports <instance>/<yyyy>/<mm>/<dd>/<instance>-<slot>.sql.gz and parses them back', () => {
    expect(slotStamp(slot)).toBe('20260310T1200Z');
    const name = exportObjectName('zenml-metadata', slot);
    expect(name).toBe('zenml-metadata/2026/03/10/zenml-metadata-20260310T1200Z.sql.gz');
    expect(parseExportObjectName('zenml-metadata', name)).toEqual(slot);
  });

  it('does not take other objects, other instances or inconsistent dates for exports', () => {
    expect(parseExportObjectName('zenml-metadata', 'zenml-metadata/2026/03/10/notes.txt')).toBeNull();
    expect(parseExportObjectName('zenml', 'zenml-metadata/2026/03/10/zenml-metadata-20260310T1200Z.sql.gz')).toBeNull();
    expect(parseExportObjectName('zenml-metadata', 'zenml-metadata/2026/03/11/zenml-metadata-20260310T1200Z.sql.gz')).toBeNull();
    expect(parseExportObjectName('zenml-metadata', 'zenml-metadata/2026/02/31/zenml-metadata-20260231T1200Z.sql.gz')).toBeNull();
    expect(parseExportObjectName('a.b', 'aXb/2026/03/10/aXb-20260310T1200Z.sql.gz')).toBeNull();
  });

  it('names drill clones <instance>-drill-<yyyymmddhhmm> and sweeps only stale ones of this instance', () => {
    const name = drillInstanceName('zenml-metadata', slot);
    expect(name).toBe('zenml-metadata-drill-202603101200');
    expect(parseDrillInstanceName('zenml-metadata', name)).toEqual(slot);
    expect(parseDrillInstanceName('zenml-metadata', 'zenml-metadata-pitr-202603101200')).toBeNull();
    expect(parseDrillInstanceName('zenml-metadata', 'zenml-metadata-drill-202613101200')).toBeNull();
    const now = new Date('2026-03-12T12:00:00.000Z');
    const names = ['zenml-metadata', 'zenml-metadata-drill-202603101200', 'zenml-metadata-drill-202603120000', 'other-drill-202603010000', 'zenml-metadata-drill-x'];
    expect(staleDrillInstances('zenml-metadata', names, now, 24 * 3_600_000)).toEqual(['zenml-metadata-drill-202603101200']);
  });

  it('refuses a drill name longer than Cloud SQL allows', () => {
    expect(() => drillInstanceName('a'.repeat(90), slot)).toThrow(/longer than 98/);
  });

  it('describes backup runs by job and slot', () => {
    expect(backupRunDescription('nightly', slot)).toBe('stackctl backup job=nightly slot=2026-03-10T12:00:00.000Z');
  });
});
