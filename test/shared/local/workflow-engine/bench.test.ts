import { describe, expect, it } from 'vitest';
import { benchInterpreter } from '../../../../shared/local/workflow-engine/bench.ts';

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
