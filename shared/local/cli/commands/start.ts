import type { Command } from 'commander';
import { closeOnSignal } from '../until-signal.ts';
import { globalOptions, UsageError, useColor } from '../output.ts';
import { banner } from '../banner.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['pretty', 'json'];

export function register(program: Command): void {
  program
    .command('start')
    .description('run the whole control plane locally: Pub/Sub emulator, gcp-sim, the functions (Ctrl-C stops it)')
    .option('--clock-speed <factor>', 'speed up simulated time (operations, workflow sleeps)', '1')
    .option('--log-level <level>', `${LOG_LEVELS.join('|')} (env LOG_LEVEL)`)
    .option('--log-format <format>', 'pretty (one line per entry; the default on a terminal) or json (Cloud Logging lines; the default otherwise)')
    .action(async (opts: { clockSpeed: string; logLevel?: string; logFormat?: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const clockSpeed = Number(opts.clockSpeed);
      if (!/^\d+(\.\d+)?$/.test(opts.clockSpeed) || !(clockSpeed > 0 && clockSpeed <= 10_000)) throw new UsageError(`--clock-speed must be a number in (0, 10000], got "${opts.clockSpeed}"`);
      const logLevel = opts.logLevel ?? process.env.LOG_LEVEL ?? 'info';
      if (!LOG_LEVELS.includes(logLevel)) {
        throw new UsageError(`${opts.logLevel !== undefined ? '--log-level' : 'the environment variable LOG_LEVEL'} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
      }
      const logFormat = opts.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
      if (!LOG_FORMATS.includes(logFormat)) throw new UsageError(`--log-format must be pretty or json, got "${logFormat}"`);
      const [{ startStack }, { createLogger }] = await Promise.all([import('../../stack/stack.ts'), import('../../../runtime/logger.ts')]);
      let logger;
      if (logFormat === 'pretty') {
        const { prettyDestination } = await import('../pretty-log.ts');
        logger = createLogger({ level: logLevel, destination: prettyDestination(process.stdout, useColor(global.color)) as never });
      }
      // Signals are handled from before the stack starts: a stop asked for while it boots (or
      // the instant it reports ready) must still close everything, never kill it half-way.
      const running: { stack?: Awaited<ReturnType<typeof startStack>> } = {};
      let stopRequested = false;
      const stopped = closeOnSignal('the local stack', async () => {
        stopRequested = true;
        await running.stack?.stop();
      }, (message) => process.stderr.write(`${message}\n`));
      const stack = await startStack({ dataDir: global.dataDir, clockSpeed, logLevel, ...(logger ? { logger } : {}) });
      running.stack = stack;
      if (stopRequested) await stack.stop();
      else process.stdout.write(global.json ? `${JSON.stringify({ ready: true, ...stack.info })}\n` : banner(stack.info));
      await stopped;
      // Everything is closed and persisted; a client library's stray keep-alive must not keep a
      // stopped stack's process around.
      process.exit(process.exitCode ?? 0);
    });
}
