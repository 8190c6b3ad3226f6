import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDataDir, findCheckout } from '../../../../shared/local/cli/data-dir.ts';
import { formatDocument, parseFormat, UsageError, useColor } from '../../../../shared/local/cli/output.ts';

const saved = process.env.NO_COLOR;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
});

describe('output formats', () => {
  it('-o table|json|yaml, --json wins, anything else is a usage error', () => {
    expect(parseFormat(undefined, undefined)).toBe('table');
    expect(parseFormat('yaml', undefined)).toBe('yaml');
    expect(parseFormat('yaml', true)).toBe('json');
    expect(() => parseFormat('xml', undefined)).toThrow(UsageError);
    expect(formatDocument('yaml', { runs: [{ id: 'a', steps: [] }] })).toBe('runs:\n  - id: a\n    steps: []\n');
    expect(JSON.parse(formatDocument('json', { a: 1 }))).toEqual({ a: 1 });
  });

  it('colour on a terminal only, never with NO_COLOR or --no-color', () => {
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    delete process.env.NO_COLOR;
    expect(useColor(true, tty)).toBe(true);
    expect(useColor(true, pipe)).toBe(false);
    expect(useColor(false, tty)).toBe(false);
    process.env.NO_COLOR = '1';
    expect(useColor(true, tty)).toBe(false);
  });
});

describe('the data directory', () => {
  it('is .data at the root of the checkout, from any subdirectory of it', () => {
    const root = mkdtempSync(join(tmpdir(), 'stackctl-checkout-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'stack-control-plane' }));
    mkdirSync(join(root, 'shared', 'local'), { recursive: true });
    expect(findCheckout(join(root, 'shared', 'local'))).toBe(root);
    expect(defaultDataDir(join(root, 'shared', 'local'))).toBe(join(root, '.data'));
    expect(defaultDataDir(root)).toBe(join(root, '.data'));
  });

  it('outside any checkout, is the one this CLI was installed from', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'stackctl-elsewhere-'));
    expect(defaultDataDir(elsewhere)).toBe(join(import.meta.dirname, '../../../..', '.data'));
  });
});
