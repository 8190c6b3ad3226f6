/**
 * In-place writes (ownership.ts) must keep Workflows' value semantics and the exact memory accounting, and make
 * map/list growth linear. Growth is checked structurally, by counting the nodes measured and the elements copied,
 * never by wall-clock time.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { LIST_GROWTH_WORKFLOW, MAP_GROWTH_WORKFLOW } from '../../../../shared/local/workflow-engine/bench.ts';
import { loadWorkflow, runWorkflow } from '../../../../shared/local/workflow-engine/index.ts';
import { copyAccounting } from '../../../../shared/local/workflow-engine/ownership.ts';
import { fromJs, sizeAccounting, sizeInBytes } from '../../../../shared/local/workflow-engine/values.ts';
import { failure, result } from './helpers.ts';

describe('value semantics with in-place writes', () => {
  it('a copy taken before a write does not see it (root, nested, and both directions)', async () => {
    expect(await result(`
- init:
    assign:
      - m: {inner: {k: 1}}
      - m["a"]: 1
      - alias: \${m}
      - m["b"]: 2
      - alias["c"]: 3
      - inner: \${m.inner}
      - m.inner.k: 2
      - m.inner.j: 5
- done:
    return: \${[m, alias, inner]}
`)).toEqual([{ inner: { k: 2, j: 5 }, a: 1, b: 2 }, { inner: { k: 1 }, a: 1, c: 3 }, { k: 1 }]);
  });

  it('assigning a map into itself copies instead of building a cycle', async () => {
    expect(await result(`
- init:
    assign:
      - m: {a: 1}
      - m["b"]: 2
      - m["self"]: \${m}
      - m["self"]["c"]: 3
- done:
    return: \${m}
`)).toEqual({ a: 1, b: 2, self: { a: 1, b: 2, c: 3 } });
  });

  it('list.concat in place: an earlier copy and the list a for loop iterates stay as they were', async () => {
    expect(await result(`
- init:
    assign:
      - l: [1]
      - l: \${list.concat(l, 2)}
      - before: \${l}
      - l: \${list.concat(l, 3)}
      - seen: 0
- loop:
    for:
      value: x
      in: \${l}
      steps:
        - grow:
            assign:
              - l: \${list.concat(l, x * 10)}
              - seen: \${seen + 1}
- done:
    return: \${[before, l, seen]}
`)).toEqual([[1, 2], [1, 2, 3, 10, 20, 30], 3]);
  });

  it('a subworkflow writing its parameter leaves the caller\'s value untouched; its result is the caller\'s own', async () => {
    expect(await result(`
main:
  steps:
    - init:
        assign:
          - m: {a: 1}
          - m["b"]: 2
    - call:
        call: change
        args:
          p: \${m}
        result: r
    - again:
        assign:
          - r["z"]: 26
          - m["c"]: 3
    - done:
        return: \${[m, r]}
change:
  params: [p]
  steps:
    - w:
        assign:
          - p["x"]: 9
    - r:
        return: \${p}
`)).toEqual([{ a: 1, b: 2, c: 3 }, { a: 1, b: 2, x: 9, z: 26 }]);
  });

  it('a failed indexed write changes nothing (bad index, int key into a created map)', async () => {
    expect(await result(`
- init:
    assign:
      - m: {l: [1]}
      - m["k"]: 1
- bad1:
    try:
      assign:
        - m["l"][5]: 2
    except:
      as: e1
      steps:
        - n1:
            assign:
              - t1: \${e1.tags}
- bad2:
    try:
      assign:
        - m["fresh"][0]: 2
    except:
      as: e2
      steps:
        - n2:
            assign:
              - t2: \${e2.tags}
- done:
    return: \${[m, t1, t2]}
`)).toEqual([{ l: [1], k: 1 }, ['IndexError', 'LookupError'], ['TypeError']]);
  });
});

describe('memory accounting stays exact', () => {
  // At the last write the live variables are n and i (ints: 8 bytes + the name) and m / l.
  const peak = (final: unknown, name: string): number => sizeInBytes(fromJs(final)) + name.length + (8 + 1) * 2;
  const keys = (n: number): Record<string, number> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i + 1}`, i + 1]));
  const list = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

  for (const [what, yaml, final, name] of [
    ['m[key] writes', MAP_GROWTH_WORKFLOW, keys(300), 'm'],
    ['list.concat appends', LIST_GROWTH_WORKFLOW, list(300), 'l'],
  ] as const) {
    it(`${what}: a limit of exactly the peak passes, one byte less raises ResourceLimitError`, async () => {
      const limit = peak(final, name);
      expect(await result(yaml, 300, { load: { limits: { maxVariableMemoryBytes: limit } } })).toBe(300);
      const f = await failure(yaml, 300, { load: { limits: { maxVariableMemoryBytes: limit - 1 } } });
      expect(f.tags).toEqual(['ResourceLimitError']);
      expect(JSON.stringify(f.payload)).toContain(`variables use ${limit} bytes`);
    });
  }

  it('a write refused by the limit is not applied, so a caught limit error leaves the accounting as it was', async () => {
    const yaml = `
- init:
    assign:
      - m: {}
      - m["a"]: "0123456789"
- big:
    try:
      assign:
        - m["b"]: \${text.repeat("x", 100)}
    except:
      steps:
        - noted:
            assign:
              - m["c"]: "ok"
- done:
    return: \${m}
`;
    // m {a, c} = 2 + (1+4+10) + (1+4+2) = 24, plus the name: 25. Had the refused write been counted, "c" would not fit.
    expect(await result(yaml, null, { load: { limits: { maxVariableMemoryBytes: 25 } } })).toEqual({ a: '0123456789', c: 'ok' });
  });
});

describe('growth is linear (counted, not timed)', () => {
  async function cost(yaml: string, n: number): Promise<{ measured: number; copied: number }> {
    const program = loadWorkflow(yaml, 'growth.yaml');
    const m0 = sizeAccounting.nodes;
    const c0 = copyAccounting.elements;
    const r = await runWorkflow(program, n, { clock: new VirtualClock() });
    expect(r.state).toBe('SUCCEEDED');
    return { measured: sizeAccounting.nodes - m0, copied: copyAccounting.elements - c0 };
  }

  for (const [what, yaml] of [['m[key] assignment', MAP_GROWTH_WORKFLOW], ['list.concat', LIST_GROWTH_WORKFLOW]] as const) {
    it(`${what}: 8× the items costs at most ~8× the nodes measured, and nothing is copied per write`, async () => {
      const small = await cost(yaml, 500);
      const large = await cost(yaml, 4_000);
      // Re-measuring or copying the whole variable per write would make these ratios ~64.
      expect(large.measured / small.measured).toBeLessThan(9);
      expect(large.copied).toBeLessThanOrEqual(small.copied * 9);
      expect(large.copied).toBeLessThan(4_000);
    });
  }
});
