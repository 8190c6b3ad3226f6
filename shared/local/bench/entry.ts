/**
 * What every bench entry is ({id, value, unit, anchor, anchorValue, ratio}) and how one side of a
 * comparison runs: in a node process of its own (so no side inherits the other's JIT, heap or
 * open handles), printing one JSON line the runner parses.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchEntry {
  id: string;
  value: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  ratio: number;
  [detail: string]: unknown;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const round = (x: number, digits = 3): number => Number(x.toPrecision(digits));

export function entry(id: string, value: number, unit: string, anchor: string, anchorValue: number, details: Record<string, unknown> = {}): BenchEntry {
  return { id, value: round(value), unit, anchor, anchorValue: round(anchorValue), ratio: round(value / anchorValue), ...details };
}

/** Runs `script` (a .ts file next to this one) under tsx and returns the JSON it printed last. */
export function runSide<T>(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 300_000): Promise<T> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', path, ...args], { env, maxBuffer: 1 << 22, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${script} ${args.join(' ')} failed: ${err.message}${stderr ? `\n${stderr.slice(-2000)}` : ''}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout.slice(-300)}`));
      }
    });
  });
}
