/**
 * The engine's benchmarks, each as a ratio against the same computation in plain JavaScript measured in the same
 * run, the two sides interleaved round by round so machine noise hits both (for `npm run bench`):
 * - `engine.loop`: a for-range with a switch and an assign per iteration; the JS twin does the same arithmetic
 *   with BigInt, as the engine's ints are 64-bit.
 * - `engine.map-growth`: `m[key]` assignment in a loop, at 500 and 4,000 keys; also reports how the engine's time
 *   grows for 8× the keys (linear ≈ 8×).
 * - `engine.list-growth`: the same for `l: ${list.concat(l, x)}`.
 * Each returns medians; nothing here is asserted on time by a test.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '../../adapters/local/virtual-clock.ts';
import { runWorkflow } from './execution.ts';
import { loadWorkflow } from './program.ts';
import type { WorkflowProgram } from './model.ts';

/** One bench entry, in the shape every `npm run bench -- --json` entry has. */
export interface BenchEntry {
  id: string;
  value: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  /** value / anchorValue. */
  ratio: number;
  [detail: string]: unknown;
}

export interface InterpreterBench {
  /** Median wall time of one workflow run, ms. */
  engineMs: number;
  /** Median wall time of the plain-JS twin, ms. */
  plainJsMs: number;
  /** engineMs / plainJsMs. */
  ratio: number;
  /** Loop iterations per run. */
  iterations: number;
  /** Steps the engine executed per run. */
  steps: number;
}

const LOOP_WORKFLOW = `
main:
  params: [n]
  steps:
    - init:
        assign:
          - sum: 0
          - evens: 0
    - loop:
        for:
          value: i
          range: \${[1, n]}
          steps:
            - classify:
                switch:
                  - condition: \${i % 2 == 0}
                    assign:
                      - evens: \${evens + 1}
            - add:
                assign:
                  - sum: \${sum + i * 3 // 2}
    - done:
        return: \${[sum, evens]}
`;

export const MAP_GROWTH_WORKFLOW = `
main:
  params: [n]
  steps:
    - init:
        assign:
          - m: {}
    - fill:
        for:
          value: i
          range: \${[1, n]}
          steps:
            - put:
                assign:
                  - m["k" + string(i)]: \${i}
    - done:
        return: \${len(keys(m))}
`;

export const LIST_GROWTH_WORKFLOW = `
main:
  params: [n]
  steps:
    - init:
        assign:
          - l: []
    - fill:
        for:
          value: i
          range: \${[1, n]}
          steps:
            - append:
                assign:
                  - l: \${list.concat(l, i)}
    - done:
        return: \${len(l)}
`;

function loopJs(n: bigint): [bigint, bigint] {
  let sum = 0n;
  let evens = 0n;
  for (let i = 1n; i <= n; i++) {
    if (i % 2n === 0n) evens += 1n;
    sum += (i * 3n) / 2n;
  }
  return [sum, evens];
}

function mapJs(n: number): number {
  const m: Record<string, bigint> = Object.create(null) as Record<string, bigint>;
  for (let i = 1; i <= n; i++) m[`k${i}`] = BigInt(i);
  return Object.keys(m).length;
}

function listJs(n: number): number {
  const l: bigint[] = [];
  for (let i = 1; i <= n; i++) l.push(BigInt(i));
  return l.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeRun(program: WorkflowProgram, argument: number, check: (v: unknown) => boolean): Promise<{ ms: number; steps: number }> {
  const t = performance.now();
  const result = await runWorkflow(program, argument, { clock: new VirtualClock(), historyLimit: 100 });
  const ms = performance.now() - t;
  if (result.state !== 'SUCCEEDED') throw new Error(`bench workflow ${program.sourceName} failed: ${JSON.stringify(result.state === 'FAILED' ? result.error : result)}`);
  if (!check(result.value)) throw new Error(`bench workflow ${program.sourceName} computed ${String(result.value)}`);
  return { ms, steps: result.stepsExecuted };
}

/** Times `fn` repeated until at least ~2 ms have passed, so a cheap twin is measurable; ms per call. */
function timeJs(fn: () => unknown): number {
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let k = 0; k < reps; k++) fn();
    const ms = performance.now() - t;
    if (ms >= 2 || reps >= 1 << 20) return ms / reps;
    reps *= 4;
  }
}

export async function benchInterpreter(iterations = 10_000, rounds = 5): Promise<InterpreterBench> {
  const program = loadWorkflow(LOOP_WORKFLOW, 'bench-loop.yaml');
  const expected = loopJs(BigInt(iterations));
  const engine: number[] = [];
  const js: number[] = [];
  let steps = 0;
  for (let r = 0; r < rounds; r++) {
    const run = await timeRun(program, iterations, (v) => Array.isArray(v) && v[0] === expected[0] && v[1] === expected[1]);
    engine.push(run.ms);
    steps = run.steps;
    js.push(timeJs(() => loopJs(BigInt(iterations))));
  }
  const engineMs = median(engine);
  const plainJsMs = median(js);
  return { engineMs, plainJsMs, ratio: engineMs / plainJsMs, iterations, steps };
}

export interface GrowthBench {
  small: number;
  large: number;
  /** Median engine ms at small and large n. */
  engineMs: [number, number];
  /** Median plain-JS ms at small and large n. */
  plainJsMs: [number, number];
  /** engineMs[1] / engineMs[0]: ≈ large/small when the engine is linear. */
  engineGrowth: number;
  plainJsGrowth: number;
}

/** Engine vs JS at two sizes, interleaved: engine(small), engine(large), js(small), js(large), per round. */
export async function benchGrowth(kind: 'map' | 'list', small = 500, large = 4_000, rounds = 5): Promise<GrowthBench> {
  const program = loadWorkflow(kind === 'map' ? MAP_GROWTH_WORKFLOW : LIST_GROWTH_WORKFLOW, `bench-${kind}-growth.yaml`);
  const twin = kind === 'map' ? mapJs : listJs;
  const e: [number[], number[]] = [[], []];
  const j: [number[], number[]] = [[], []];
  // One warm-up so the first measured round does not pay for JIT compilation.
  await timeRun(program, small, () => true);
  // The small size runs large/small times per sample, so both samples do the same total work and are equally
  // measurable on a busy machine; the figure kept is ms per run.
  const repeat = Math.max(1, Math.round(large / small));
  for (let r = 0; r < rounds; r++) {
    for (const [i, n] of [small, large].entries()) {
      const times = i === 0 ? repeat : 1;
      let total = 0;
      for (let k = 0; k < times; k++) total += (await timeRun(program, n, (v) => v === BigInt(n))).ms;
      e[i].push(total / times);
    }
    for (const [i, n] of [small, large].entries()) j[i].push(timeJs(() => twin(n)));
  }
  const engineMs: [number, number] = [median(e[0]), median(e[1])];
  const plainJsMs: [number, number] = [median(j[0]), median(j[1])];
  return { small, large, engineMs, plainJsMs, engineGrowth: engineMs[1] / engineMs[0], plainJsGrowth: plainJsMs[1] / plainJsMs[0] };
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** The engine's entries for `npm run bench -- --json`. */
export async function benchEngineEntries(options: { quick?: boolean } = {}): Promise<BenchEntry[]> {
  const rounds = options.quick ? 3 : 7;
  const loop = await benchInterpreter(options.quick ? 2_000 : 10_000, rounds);
  const entries: BenchEntry[] = [{
    id: 'engine.loop', value: round(loop.engineMs), unit: 'ms', anchor: 'plain-js-loop', anchorValue: round(loop.plainJsMs, 4),
    ratio: round(loop.ratio, 1), iterations: loop.iterations, steps: loop.steps,
  }];
  for (const kind of ['map', 'list'] as const) {
    const g = await benchGrowth(kind, 500, 4_000, rounds);
    entries.push({
      id: `engine.${kind}-growth`, value: round(g.engineMs[1]), unit: 'ms', anchor: `plain-js-${kind}-${g.large}`, anchorValue: round(g.plainJsMs[1], 4),
      ratio: round(g.engineMs[1] / g.plainJsMs[1], 1),
      keys: [g.small, g.large], engineMs: g.engineMs.map((x) => round(x)), growth: round(g.engineGrowth, 2), idealGrowth: g.large / g.small,
      plainJsGrowth: round(g.plainJsGrowth, 2),
    });
  }
  return entries;
}

/** Runs benchEngineEntries in a fresh Node process (no JIT or heap state shared with other benches). */
export function runEngineBenchProcess(options: { quick?: boolean } = {}): Promise<BenchEntry[]> {
  const script = fileURLToPath(new URL('./bench-process.ts', import.meta.url));
  const args = ['--import', 'tsx', script, ...(options.quick ? ['--quick'] : [])];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20, timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`engine bench process failed: ${err.message}${stderr ? `\n${stderr}` : ''}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as BenchEntry[]);
      } catch {
        reject(new Error(`engine bench process printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
