import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../../shared/local/workflow-engine/index.ts';
import { failure, result, run } from './helpers.ts';

describe('the execution result', () => {
  it('refuses bytes, which cannot be returned (Data types reference, "Returning bytes"), instead of base64', async () => {
    for (const ret of ['${text.encode("hi")}', "'${[1, {\"b\": text.encode(\"hi\")}]}'"]) {
      const f = await failure(`
- r:
    return: ${ret}
`);
      expect(f.tags).toEqual(['ValueError']);
      expect(JSON.stringify(f.payload)).toMatch(/the workflow result cannot be returned: bytes cannot be JSON-encoded/);
    }
  });

  it('lets bytes pass between subworkflows and leave as base64 text when converted', async () => {
    expect(await result(`
main:
  steps:
    - c:
        call: make
        result: b
    - r:
        return: \${base64.encode(b)}
make:
  steps:
    - r:
        return: \${text.encode("hi")}
`)).toBe('aGk=');
  });
});

describe('sys.log streaming', () => {
  it('hands each entry to onLog while the run goes, before the steps after it run', async () => {
    const seen: { entry: LogEntry; stepsBefore: number }[] = [];
    let steps = 0;
    const r = await run(`
- one:
    call: sys.log
    args:
      text: "first"
- wait:
    call: sys.sleep
    args:
      seconds: 60
- two:
    call: sys.log
    args:
      json: {n: 2}
      severity: WARNING
`, null, { onStep: () => { steps++; }, onLog: (entry) => seen.push({ entry, stepsBefore: steps }) });
    expect(r.state).toBe('SUCCEEDED');
    expect(seen.map((s) => [s.entry.severity, s.entry.payload, s.stepsBefore])).toEqual([['DEFAULT', 'first', 0], ['WARNING', { n: 2 }, 2]]);
    expect(seen[1].entry.time).toBe('2026-01-01T00:01:00.000Z');
    expect(r.logs).toEqual(seen.map((s) => s.entry));
  });
});
