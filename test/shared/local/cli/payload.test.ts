import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineColumn, parseJson, readPayload } from '../../../../shared/local/cli/payload.ts';
import { CliError, EXIT, UsageError } from '../../../../shared/local/cli/output.ts';

const dir = mkdtempSync(join(tmpdir(), 'stackctl-payload-'));

describe('readPayload', () => {
  it('refuses both flags, neither, and empty values as usage errors', () => {
    for (const opts of [{ file: 'a', data: '{}' }, {}, { data: '' }, { data: '  ' }, { file: '' }]) {
      const err = (() => { try { readPayload(opts); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as CliError).exitCode).toBe(EXIT.usage);
    }
    expect(() => readPayload({ data: '' })).toThrow('--data is empty');
  });

  it('hints at --file for a path given to --data, and at --data for JSON given to --file', () => {
    const file = join(dir, 'incident.json');
    writeFileSync(file, '{}');
    expect(() => readPayload({ data: file })).toThrow(/looks like a file name/);
    try { readPayload({ data: 'examples/x.json' }); } catch (e) { expect((e as CliError).hint).toBe('did you mean --file examples/x.json?'); }
    try { readPayload({ file: '{"version":"test"}' }); } catch (e) { expect((e as CliError).hint).toMatch(/--data/); }
  });

  it('names the path of a missing file and of a directory', () => {
    expect(() => readPayload({ file: join(dir, 'nope.json') })).toThrow(`no such file (${join(dir, 'nope.json')})`);
    expect(() => readPayload({ file: dir })).toThrow(`${dir} is a directory, not a JSON file`);
  });
});

describe('parseJson', () => {
  it.each([
    ['{"a": 1,\n "b": }', 2, 7, "expected a value, found \"}\""],
    ['{"a": 1', 1, 8, "expected ',' or '}', found the end of the text"],
    ['{\n  a: 1}', 2, 3, 'expected a property name in double quotes'],
    ['[1, 2,]', 1, 7, 'expected a value'],
    ['{"a": "x\\q"}', 1, 10, 'expected an escape'],
    ['{} x', 1, 4, 'expected the end of the document'],
  ])('%j → line %i column %i', (text, line, column, expected) => {
    try {
      parseJson({ text, source: 'f.json' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain(`f.json:${line}:${column}: invalid JSON: ${expected}`);
    }
  });

  it('parses valid JSON and counts lines from 1', () => {
    expect(parseJson({ text: '{"a": [1, true, null, "\\u00e9"]}', source: 'x' })).toEqual({ a: [1, true, null, 'é'] });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
