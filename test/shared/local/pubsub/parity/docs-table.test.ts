/** docs/PUBSUB-EMULATOR.md tables exactly the scenarios and the departures they declare. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios.ts';

describe('docs/PUBSUB-EMULATOR.md', () => {
  it('has one row per scenario, recording exactly the departures the scenarios declare', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../../../docs/PUBSUB-EMULATOR.md'), 'utf8');
    const rows = new Map<string, { ours: string; google: string }>();
    for (const line of doc.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const id = /^`([a-z0-9-]+)`$/.exec(cells[1] ?? '')?.[1];
      if (id && cells.length >= 6) rows.set(id, { ours: cells[3]!, google: cells[4]! });
    }
    expect([...rows.keys()].sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    for (const s of SCENARIOS) {
      expect(rows.get(s.id), s.id).toEqual({ ours: s.departs?.ours ?? 'conforms', google: s.departs?.google ?? 'conforms' });
    }
  });
});
