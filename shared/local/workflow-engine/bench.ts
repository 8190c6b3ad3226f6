/**
 * Interpreter speed on a loop-heavy workflow, as a ratio against the same computation in plain JavaScript,
 * measured side by side in one run (for `npm run bench`). The workflow sums a for-range with a switch and an
 * assign per iteration; the JS twin does the same arithmetic with BigInt, as the engine's ints are 64-bit.
 */
import { VirtualClock } from '../../adapters/local/virtual-clock.ts';
import { runWorkflow } from './execution.ts';
import { loadWorkflow } from './program.ts';

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

const WORKFLOW = `
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

function plainJs(n: bigint): [bigint, bigint] {
  let sum = 0n;
  let evens = 0n;
  for (let i = 1n; i <= n; i++) {
    if (i % 2n === 0n) evens += 1n;
    sum += (i * 3n) / 2n;
  }
  return [sum, evens];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchInterpreter(iterations = 10_000, rounds = 5): Promise<InterpreterBench> {
  const program = loadWorkflow(WORKFLOW, 'bench.yaml');
  const expected = plainJs(BigInt(iterations));
  const engine: number[] = [];
  const js: number[] = [];
  let steps = 0;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    const result = await runWorkflow(program, iterations, { clock: new VirtualClock(), historyLimit: 100 });
    engine.push(performance.now() - t);
    if (result.state !== 'SUCCEEDED') throw new Error(`bench workflow failed: ${JSON.stringify(result.state === 'FAILED' ? result.error : result)}`);
    const value = result.value as bigint[];
    if (value[0] !== expected[0] || value[1] !== expected[1]) throw new Error(`bench workflow computed ${String(value)}, expected ${String(expected)}`);
    steps = result.stepsExecuted;
    t = performance.now();
    // Repeat the cheap twin so its time is measurable, then divide.
    const reps = 20;
    for (let k = 0; k < reps; k++) plainJs(BigInt(iterations));
    js.push((performance.now() - t) / reps);
  }
  const engineMs = median(engine);
  const plainJsMs = median(js);
  return { engineMs, plainJsMs, ratio: engineMs / plainJsMs, iterations, steps };
}
