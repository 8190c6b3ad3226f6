import { closeOnSignal } from '../until-signal.ts';
import type { Command } from 'commander';
import { globalOptions } from '../output.ts';
import { banner } from '../banner.ts';

export function register(program: Command): void {
  program
    .command('start')
    .description('run the whole control plane locally: Pub/Sub emulator, gcp-sim, the functions (Ctrl-C stops it)')
    .option('--clock-speed <factor>', 'speed up simulated time (operations, workflow sleeps)', '1')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent', process.env.LOG_LEVEL ?? 'info')
    .action(async (opts: { clockSpeed: string; logLevel: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const clockSpeed = Number(opts.clockSpeed);
      if (!(clockSpeed > 0 && clockSpeed <= 10_000)) throw new Error(`--clock-speed must be a number in (0, 10000], got ${opts.clockSpeed}`);
      const { startStack } = await import('../../stack/stack.ts');
      // Signals are handled from before the stack starts: a stop asked for while it boots (or
      // the instant it reports ready) must still close everything, never kill it half-way.
      const running: { stack?: Awaited<ReturnType<typeof startStack>> } = {};
      let stopRequested = false;
      const stopped = closeOnSignal('the local stack', async () => {
        stopRequested = true;
        await running.stack?.stop();
      }, (message) => process.stderr.write(`${message}\n`));
      const stack = await startStack({ dataDir: global.dataDir, clockSpeed, logLevel: opts.logLevel });
      running.stack = stack;
      if (stopRequested) await stack.stop();
      else process.stdout.write(global.json ? `${JSON.stringify({ ready: true, ...stack.info })}\n` : banner(stack.info));
      await stopped;
      // Everything is closed and persisted; a client library's stray keep-alive must not keep a
      // stopped stack's process around.
      process.exit(process.exitCode ?? 0);
    });
}
