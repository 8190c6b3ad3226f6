/**
 * `npm run bench -- --quick --json` through the real CLI: the entries' shape and ids, never a
 * time. The first-event entries need a functions build and Google's Firestore emulator, so they
 * are checked on a result of that shape (cold-start-entries.test.ts) rather than run here.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { googleEmulatorMissing } from '../../../../shared/local/bench/pubsub-e2e.ts';

const root = resolve(import.meta.dirname, '../../../..');

function bench(only: string): Promise<{ entries: Array<Record<string, unknown>>; errors: Record<string, string> }> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, ['bin/stackctl.js', 'bench', '--quick', '--json', '--only', only], { cwd: root, maxBuffer: 1 << 24, timeout: 280_000 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${err.message}\n${stderr}`));
      else ok(JSON.parse(stdout));
    });
  });
}

describe('stackctl bench --quick --json', () => {
  it('prints hot-path, burst, engine and pubsub.end-to-end entries, each with its anchor and ratio', async () => {
    const missing = googleEmulatorMissing();
    const result = await bench('hotpath,burst,interpreter,cli,pubsub-e2e');
    const ids = result.entries.map((e) => e.id);
    expect(ids).toEqual(expect.arrayContaining(['hot-path.sequential', 'hot-path.concurrent', 'burst.provisioning.3', 'engine.loop', 'engine.map-growth', 'cli.startup']));
    if (missing) expect(result.errors['pubsub-e2e']).toBe(missing);
    else expect(ids).toContain('pubsub.end-to-end');
    expect(Object.keys(result.errors).filter((k) => k !== 'pubsub-e2e')).toEqual([]);
    for (const e of result.entries) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['id', 'value', 'unit', 'anchor', 'anchorValue', 'ratio']));
      expect(typeof e.unit).toBe('string');
      expect(typeof e.anchor).toBe('string');
      for (const k of ['value', 'anchorValue', 'ratio'] as const) expect(Number.isFinite(e[k]), `${String(e.id)}.${k}`).toBe(true);
    }
    const burst = result.entries.find((e) => e.id === 'burst.provisioning.3')!;
    expect(burst).toMatchObject({ succeeded: 3, deadLetters: 0 });
  }, 300_000);
});
