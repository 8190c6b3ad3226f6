/**
 * `stackctl --help` start-up against `node -e 0`, spawned alternately in the same run so both
 * see the same machine load: the compiled CLI (dist-cli, what `npm ci` builds) and, for
 * comparison, the TypeScript sources through tsx (STACKCTL_FROM_SOURCE=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface BenchEntry {
  id: string;
  value: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  ratio: number;
  note?: string;
  [detail: string]: unknown;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeOnce(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 300)}`);
  return ms;
}

export function measureCliStartup(samples: number, root = resolve(import.meta.dirname, '../../..')): BenchEntry[] {
  const bin = join(root, 'bin', 'stackctl.js');
  const env = { ...process.env, NO_COLOR: '1' };
  const compiled = existsSync(join(root, 'dist-cli', 'main.js'));
  const variants: Array<{ id: string; env: NodeJS.ProcessEnv; note: string }> = [
    { id: 'cli.startup', env, note: compiled ? 'bin/stackctl.js --help (compiled dist-cli when fresh)' : 'bin/stackctl.js --help (no dist-cli: ran from the sources)' },
    { id: 'cli.startup.from-source', env: { ...env, STACKCTL_FROM_SOURCE: '1' }, note: 'bin/stackctl.js --help through tsx, as before the compiled CLI' },
  ];
  const anchor: number[] = [];
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.id, []]));
  // One warm-up of each (file cache), then alternate: anchor, variant, anchor, variant…
  timeOnce(['-e', '0'], env, root);
  for (const v of variants) timeOnce([bin, '--help'], v.env, root);
  for (let i = 0; i < samples; i++) {
    for (const v of variants) {
      anchor.push(timeOnce(['-e', '0'], env, root));
      times[v.id]!.push(timeOnce([bin, '--help'], v.env, root));
    }
  }
  const anchorValue = Math.round(median(anchor) * 10) / 10;
  return variants.map((v) => {
    const value = Math.round(median(times[v.id]!) * 10) / 10;
    return { id: v.id, value, unit: 'ms', anchor: 'node -e 0', anchorValue, ratio: Math.round((value / anchorValue) * 100) / 100, note: v.note };
  });
}
