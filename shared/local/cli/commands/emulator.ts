/**
 * `stackctl emulator pubsub --port 8085 [--data-dir DIR]`: the Pub/Sub emulator on its own,
 * for tools that want only Pub/Sub (PUBSUB_EMULATOR_HOST=127.0.0.1:8085). Like Google's emulator
 * it keeps nothing unless a data directory is given explicitly (flag or STACKCTL_DATA_DIR); then
 * topics, subscriptions and unacked messages live in DIR/pubsub and survive restarts.
 */
import { closeOnSignal } from '../until-signal.ts';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { startPubsubEmulator } from '../../pubsub/emulator.ts';
import { readRunningStack } from '../../stack/stack-file.ts';
import { CliError, globalOptions, printResult } from '../output.ts';

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent) root = root.parent;
  return root;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) throw new CliError(`--port must be an integer between 0 and 65535, got "${value}"`);
  return port;
}

export function register(program: Command): void {
  const emulator = program.command('emulator').description('run a single local emulator on its own');
  emulator
    .command('pubsub')
    .description('run the Pub/Sub emulator (gRPC on 127.0.0.1) until SIGINT/SIGTERM')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8085')
    .action(async (opts: { port: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const source = rootOf(cmd).getOptionValueSource('dataDir');
      const explicitDir = source === 'cli' || source === 'env' || Boolean(process.env.STACKCTL_DATA_DIR);
      let persistDir: string | undefined;
      if (explicitDir) {
        const running = readRunningStack(global.dataDir);
        if (running) {
          throw new CliError(
            `the local stack (pid ${running.pid}) is using data directory ${resolve(global.dataDir)}; its emulator is at ${running.endpoints.pubsubEmulator}`,
            'use that emulator, or pass another --data-dir',
          );
        }
        persistDir = join(resolve(global.dataDir), 'pubsub');
      }
      const log = (msg: string, fields?: Record<string, unknown>) => {
        process.stderr.write(`${JSON.stringify({ severity: 'INFO', message: msg, time: new Date().toISOString(), ...fields })}\n`);
      };
      let running;
      try {
        running = await startPubsubEmulator({ port: parsePort(opts.port), persistDir, logger: log });
      } catch (err) {
        throw new CliError((err as Error).message, 'pick another --port, or --port 0 for a free one');
      }
      // Listen before reporting ready, so a signal sent the moment the output appears is handled.
      const stopped = closeOnSignal('the Pub/Sub emulator', () => running.close(), (message) => log(message));
      printResult(global, { host: running.host, port: running.port, persistDir: persistDir ?? null }, () => [
        `Pub/Sub emulator listening on ${running.host}${persistDir ? ` (persisting to ${persistDir})` : ' (in memory)'}`,
        `  export PUBSUB_EMULATOR_HOST=${running.host}`,
        '  stop with Ctrl-C',
      ].join('\n'));
      await stopped;
    });
}
