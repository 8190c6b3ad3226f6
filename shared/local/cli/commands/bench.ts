/**
 * `stackctl bench` (`npm run bench`): speed as ratios measured side by side in one run, never
 * asserted by tests. Each benchmark is bounded and talks only to loopback.
 */
import type { Command } from 'commander';
import { globalOptions } from '../output.ts';

export function register(program: Command): void {
  program
    .command('bench')
    .description('benchmarks: Pub/Sub emulator throughput, handler runtime overhead, workflow interpreter vs plain JS')
    .option('--quick', 'smaller sample sizes')
    .option('--only <names>', 'comma-separated subset: pubsub,handler,interpreter,coldstart,firstevent')
    .option('--baseline <checkout>', 'firstevent: also build and measure this other checkout (e.g. a worktree of the previous commit), interleaved')
    .action(async (opts: { quick?: boolean; only?: string; baseline?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const { runBenchmarks, formatBenchmarks } = await import('../../bench/run.ts');
      const only = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : undefined;
      const results = await runBenchmarks({ quick: Boolean(opts.quick), only, baselineRepo: opts.baseline, progress: global.json ? undefined : (m) => process.stderr.write(`${m}\n`) });
      process.stdout.write(global.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatBenchmarks(results)}\n`);
    });
}
