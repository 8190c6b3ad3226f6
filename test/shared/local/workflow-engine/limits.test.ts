import { describe, expect, it } from 'vitest';
import { failure, result, run } from './helpers.ts';

describe('documented limits', () => {
  it('call stack depth over 20 raises RecursionError; depth 20 is fine', async () => {
    const recurse = `
main:
  params: [n]
  steps:
    - r:
        call: down
        args:
          n: \${n}
        result: out
    - done:
        return: \${out}
down:
  params: [n]
  steps:
    - check:
        switch:
          - condition: \${n <= 0}
            return: "bottom"
    - deeper:
        return: \${down(n - 1)}
`;
    // main is frame 1, so n = 18 makes 20 frames in total (main + 19 calls of down).
    expect(await result(recurse, 18)).toBe('bottom');
    const f = await failure(recurse, 19);
    expect(f.tags).toEqual(['RecursionError']);
  });

  it('more steps than the execution allows raises ResourceLimitError (default 100,000)', async () => {
    const f = await failure(`
- loop:
    next: loop
`);
    expect(f.tags).toEqual(['ResourceLimitError']);
    expect(JSON.stringify(f.payload)).toMatch(/more than 100000 steps/);
  });

  it('variable memory over the limit raises ResourceLimitError', async () => {
    const f = await failure(`
- init:
    assign:
      - s: "0123456789"
- grow:
    assign:
      - s: \${s + s}
    next: grow
`);
    expect(f.tags).toEqual(['ResourceLimitError']);
    expect(JSON.stringify(f.payload)).toMatch(/memory limit exceeded|longer than the/);
  });

  it('the memory limit counts all variables together, and loop scopes release theirs', async () => {
    const many = `
- init:
    assign:
      - chunk: "${'x'.repeat(1000)}"
      - i: 0
- loop:
    for:
      value: v
      range: [1, 300]
      steps:
        - local:
            assign:
              - tmp: \${chunk + string(v)}
- r:
    return: "ok"
`;
    expect(await result(many, null, { load: { limits: { maxVariableMemoryBytes: 10_000 } } })).toBe('ok');
    const f = await failure(`
- init:
    assign:
      - a: "${'x'.repeat(6000)}"
      - b: "${'y'.repeat(6000)}"
`, null, { load: { limits: { maxVariableMemoryBytes: 10_000 } } });
    expect(f.tags).toEqual(['ResourceLimitError']);
  });

  it('an argument over 32 KB is refused with ResourceLimitError', async () => {
    const r = await run(`
main:
  params: [a]
  steps:
    - r:
        return: 1
`, { blob: 'x'.repeat(33 * 1024) });
    expect(r.state).toBe('FAILED');
    expect(r.state === 'FAILED' && r.error.tags).toEqual(['ResourceLimitError']);
  });

  it('a result over the limit is refused with ResourceLimitError', async () => {
    const f = await failure(`
- r:
    return: "${'z'.repeat(2000)}"
`, null, { load: { limits: { maxResultBytes: 1000 } } });
    expect(f.tags).toEqual(['ResourceLimitError']);
  });
});
