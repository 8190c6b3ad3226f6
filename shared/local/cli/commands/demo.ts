/**
 * `stackctl demo`: a guided tour on the embedded default. It boots a throwaway local stack,
 * publishes real messages with the real Pub/Sub client, and narrates what the control plane
 * does with them. Each chapter is a function in ../demo/, so the tour grows with the flows.
 * Ctrl-C stops the tour, then its stack, and removes its folder (exit 130).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { globalOptions, UsageError } from '../output.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description('a guided tour on a throwaway local stack: create and delete a workspace, then the remediations')
    .option('--keep', 'keep the demo data directory afterwards')
    .option('--clock-speed <factor>', 'simulated time speed-up', '20')
    .action(async (opts: { keep?: boolean; clockSpeed: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const clockSpeed = Number(opts.clockSpeed);
      if (!/^\d+(\.\d+)?$/.test(opts.clockSpeed) || !(clockSpeed > 0 && clockSpeed <= 10_000)) throw new UsageError(`--clock-speed must be a number in (0, 10000], got "${opts.clockSpeed}"`);
      const { runDemo, DemoInterrupted } = await import('../demo/tour.ts');
      const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-demo-'));
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(abort.signal.aborted ? `${signal}: already stopping the demo\n` : `${signal}: stopping the demo and its stack…\n`);
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const report = await runDemo({ dataDir, clockSpeed, json: global.json, signal: abort.signal });
        if (global.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.chapters.some((c) => !c.ok)) process.exitCode = 1;
      } catch (err) {
        if (!(err instanceof DemoInterrupted)) throw err;
        process.exitCode = 130;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (opts.keep) process.stderr.write(`demo state kept in ${dataDir}\n`);
        else rmSync(dataDir, { recursive: true, force: true });
      }
      if (abort.signal.aborted) {
        process.stderr.write('demo stopped; its stack is down and its folder removed\n');
        // Stopped and cleaned up; a client's keep-alive must not hold the process.
        process.exit(130);
      }
    });
}
