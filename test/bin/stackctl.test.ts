/**
 * bin/stackctl.js runs the compiled CLI only while it is fresh (no input newer than the build),
 * and bin/build-cli.js relocates import.meta so compiled code opens the files next to its sources.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without types
import { freshBuild } from '../../bin/fresh-build.js';

function fakeCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'stackctl-fresh-'));
  mkdirSync(join(root, 'dist-cli'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.ts'), 'export {}');
  writeFileSync(join(root, 'dist-cli', 'main.js'), '');
  return root;
}

describe('freshBuild', () => {
  it('uses the build while no input is newer, and not after an input changes or disappears', () => {
    const root = fakeCheckout();
    const builtAtMs = Date.now();
    const old = new Date(builtAtMs - 60_000);
    utimesSync(join(root, 'src', 'a.ts'), old, old);
    writeFileSync(join(root, 'dist-cli', 'manifest.json'), JSON.stringify({ builtAtMs, inputs: ['src/a.ts'] }));
    expect(freshBuild(root, {})).toBe(join(root, 'dist-cli', 'main.js'));
    expect(freshBuild(root, { STACKCTL_FROM_SOURCE: '1' })).toBeUndefined();
    const later = new Date(builtAtMs + 60_000);
    utimesSync(join(root, 'src', 'a.ts'), later, later);
    expect(freshBuild(root, {})).toBeUndefined();
    writeFileSync(join(root, 'dist-cli', 'manifest.json'), JSON.stringify({ builtAtMs, inputs: ['src/gone.ts'] }));
    expect(freshBuild(root, {})).toBeUndefined();
  });

  it('has no build without a manifest', () => {
    expect(freshBuild(fakeCheckout(), {})).toBeUndefined();
  });
});

describe('the compiled CLI', () => {
  it('builds into a directory of its own and runs, reading files relative to its sources', () => {
    const root = join(import.meta.dirname, '../..');
    // Inside the checkout (.tmp/ is ignored), so the compiled code finds node_modules as dist-cli does.
    mkdirSync(join(root, '.tmp'), { recursive: true });
    const out = mkdtempSync(join(root, '.tmp', 'cli-build-'));
    execFileSync(process.execPath, [join(root, 'bin', 'build-cli.js'), '--out', join(out, 'dist-cli')], { cwd: root, stdio: 'pipe' });
    const main = join(out, 'dist-cli', 'main.js');
    // --version reads package.json through a relocated import.meta.url.
    const script = `const { main } = await import(${JSON.stringify(main)}); await main(['node', 'stackctl', '--version']);`;
    const version = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8' });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    rmSync(out, { recursive: true, force: true });
  });
});
