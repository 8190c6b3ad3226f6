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
  });
});
