import type { Command } from 'commander';
import { globalOptions, printResult } from '../output.ts';
import { requireRunningStack } from '../local-state.ts';

export function register(program: Command): void {
  program
    .command('status')
    .description('what runs where: project, endpoints, and a summary of simulated resources')
    .action(async (_opts: unknown, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      let gcpSim: unknown;
      try {
        const res = await fetch(`${stack.endpoints.gcpSim}/__sim/summary`, { signal: AbortSignal.timeout(5000) });
        gcpSim = await res.json();
      } catch (err) {
        gcpSim = { error: `gcp-sim did not answer: ${(err as Error).message}` };
      }
      const status = { running: true, ...stack, resources: { gcpSim } };
      printResult(global, status, () => [
        `local stack running (pid ${stack.pid}, since ${stack.startedAt}), project ${stack.projectId}, data ${stack.dataDir}`,
        `  Pub/Sub emulator  ${stack.endpoints.pubsubEmulator}`,
        `  gcp-sim           ${stack.endpoints.gcpSim}`,
        ...Object.entries(stack.endpoints.functions).map(([flow, url]) => `  function ${flow.padEnd(13)} ${url}`),
        `  simulated resources: ${JSON.stringify(gcpSim)}`,
      ].join('\n'));
    });
}
