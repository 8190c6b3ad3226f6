import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, createZip } from '../../../../shared/local/build/zip.ts';
import { readZip } from './zip-reader.ts';

function hasUnzip(): boolean {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('createZip', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('round-trips deflated and stored entries', () => {
    const big = Buffer.from('x'.repeat(10_000));
    const tiny = Buffer.from('a');
    const zip = createZip([{ name: 'dir/big.txt', data: big }, { name: 'tiny', data: tiny }]);
    expect(zip.length).toBeLessThan(big.length);
    const back = readZip(zip);
    expect([...back.keys()]).toEqual(['dir/big.txt', 'tiny']);
    expect(back.get('dir/big.txt')!.equals(big)).toBe(true);
    expect(back.get('tiny')!.equals(tiny)).toBe(true);
  });

  it('is deterministic: same entries, same bytes', () => {
    const entries = [{ name: 'a.js', data: Buffer.from('export {}') }];
    expect(createZip(entries).equals(createZip(entries))).toBe(true);
  });

  it('rejects unsafe or duplicate names', () => {
    expect(() => createZip([{ name: '../evil', data: Buffer.from('') }])).toThrow(/relative path/);
    expect(() => createZip([{ name: '/abs', data: Buffer.from('') }])).toThrow(/relative path/);
    expect(() => createZip([{ name: 'a', data: Buffer.from('1') }, { name: 'a', data: Buffer.from('2') }])).toThrow(/appears twice/);
  });

  it.runIf(hasUnzip())('is accepted by Info-ZIP unzip', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    try {
      const path = join(dir, 'x.zip');
      writeFileSync(path, createZip([{ name: 'a/b.txt', data: Buffer.from('hello '.repeat(100)) }, { name: 'c', data: Buffer.from('c') }]));
      const out = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
      expect(out).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
