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
      const stack = await startStack({ dataDir: global.dataDir, clockSpeed, logLevel: opts.logLevel });
      process.stdout.write(global.json ? `${JSON.stringify({ ready: true, ...stack.info })}\n` : banner(stack.info));
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          process.stderr.write(`\n${signal}: stopping the local stack…\n`);
          stack.stop().then(resolve, (err: unknown) => {
            process.stderr.write(`error while stopping: ${(err as Error).message}\n`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}
