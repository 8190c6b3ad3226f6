/**
 * `stackctl demo`: a guided tour on the embedded default. It boots a throwaway local stack,
 * publishes real messages with the real Pub/Sub client, and narrates what the control plane
 * does with them. Each chapter is a function in ../demo/, so the tour grows with the flows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { globalOptions } from '../output.ts';

export function register(program: Command): void {
  program
    .command('demo')
    .description('a guided tour on a throwaway local stack: create and delete a workspace, then the remediations')
    .option('--keep', 'keep the demo data directory afterwards')
    .option('--clock-speed <factor>', 'simulated time speed-up', '20')
    .action(async (opts: { keep?: boolean; clockSpeed: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const { runDemo } = await import('../demo/tour.ts');
      const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-demo-'));
      try {
        const report = await runDemo({ dataDir, clockSpeed: Number(opts.clockSpeed), json: global.json });
        if (global.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        if (report.chapters.some((c) => !c.ok)) process.exitCode = 1;
      } finally {
        if (opts.keep) process.stderr.write(`demo state kept in ${dataDir}\n`);
        else rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
