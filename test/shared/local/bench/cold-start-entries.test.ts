import { describe, expect, it } from 'vitest';
import { coldStartEntries } from '../../../../shared/local/bench/cold-start-entries.ts';

describe('coldStartEntries', () => {
  it('gives one cold-start.<function> entry per function, against the hello-world first answer', () => {
    const entries = coldStartEntries({
      samples: 3,
      helloWorld: { portOpenMs: 180, firstAnswerMs: 200 },
      builds: {
        current: {
          budgets: { portOpenMs: 190, firstAnswerMs: 300, ratio: 1.5, answer: '200 processed' },
          provisioning: { portOpenMs: 200, firstAnswerMs: 500, ratio: 2.5, answer: '200 duplicate' },
        },
        baseline: { budgets: { portOpenMs: 190, firstAnswerMs: 900, ratio: 4.5, answer: '200 processed' } },
      },
    });
    expect(entries).toEqual([
      expect.objectContaining({ id: 'cold-start.budgets', value: 300, anchorValue: 200, ratio: 1.5, unit: 'ms to the first event answered', baselineMs: 900 }),
      expect.objectContaining({ id: 'cold-start.provisioning', value: 500, anchorValue: 200, ratio: 2.5, answer: '200 duplicate' }),
    ]);
    expect(entries[1]).not.toHaveProperty('baselineMs');
    expect(entries[0]).not.toHaveProperty('cpuRatio');
  });

  it('adds the instance CPU used until the answer, as a ratio of the hello-world\'s, when it was measured', () => {
    const [entry] = coldStartEntries({
      samples: 3,
      helloWorld: { portOpenMs: 180, firstAnswerMs: 200, cpuMs: 200 },
      builds: {
        current: { alerts: { portOpenMs: 190, firstAnswerMs: 700, ratio: 3.5, cpuMs: 600, answer: '200 processed' } },
        baseline: { alerts: { portOpenMs: 190, firstAnswerMs: 900, ratio: 4.5, cpuMs: 1000, answer: '200 processed' } },
      },
    });
    expect(entry).toMatchObject({ id: 'cold-start.alerts', cpuMs: 600, anchorCpuMs: 200, cpuRatio: 3, baselineMs: 900, baselineCpuMs: 1000 });
  });
});
