import { describe, expect, it } from 'vitest';
import { benchEngineEntries, benchGrowth, benchInterpreter, runEngineBenchProcess } from '../../../../shared/local/workflow-engine/bench.ts';

describe('benchInterpreter', () => {
  it('runs the loop workflow and its plain-JS twin to the same result and reports a ratio', async () => {
    const b = await benchInterpreter(200, 1);
    expect(b.iterations).toBe(200);
    // init + loop + done, and per iteration classify + add.
    expect(b.steps).toBe(3 + 2 * 200);
    expect(b.engineMs).toBeGreaterThan(0);
    expect(b.plainJsMs).toBeGreaterThan(0);
    expect(b.ratio).toBeCloseTo(b.engineMs / b.plainJsMs);
  });
});

describe('benchGrowth', () => {
  it('times both sizes on both sides and reports the growth of each', async () => {
    for (const kind of ['map', 'list'] as const) {
      const g = await benchGrowth(kind, 20, 160, 1);
      expect([g.small, g.large]).toEqual([20, 160]);
      expect(g.engineGrowth).toBeCloseTo(g.engineMs[1] / g.engineMs[0]);
      expect(g.plainJsGrowth).toBeCloseTo(g.plainJsMs[1] / g.plainJsMs[0]);
    }
  });
});

describe('benchEngineEntries', () => {
  it('gives engine.loop, engine.map-growth and engine.list-growth, each with its anchor and ratio', async () => {
    const entries = await benchEngineEntries({ quick: true });
    expect(entries.map((e) => e.id)).toEqual(['engine.loop', 'engine.map-growth', 'engine.list-growth']);
    for (const e of entries) {
      expect(e).toMatchObject({ unit: 'ms' });
      expect(typeof e.anchor).toBe('string');
      expect(e.value).toBeGreaterThan(0);
      expect(e.anchorValue).toBeGreaterThan(0);
      expect(Number.isFinite(e.ratio)).toBe(true);
    }
    expect(entries[1]).toMatchObject({ keys: [500, 4000], idealGrowth: 8 });
  }, 60_000);
});

describe('runEngineBenchProcess', () => {
  it('runs the engine entries in a process of their own and hands them back', async () => {
    const entries = await runEngineBenchProcess({ quick: true });
    expect(entries.map((e) => e.id)).toEqual(['engine.loop', 'engine.map-growth', 'engine.list-growth']);
  }, 120_000);
});
