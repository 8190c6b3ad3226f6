import type { Command } from 'commander';
import { globalOptions, printResult } from '../output.ts';
import { requireRunningStack } from '../local-state.ts';

/** The gcp-sim summary ({service: {collection: count | details}}) as one line per service. */
export function resourceLines(summary: unknown): string[] {
  if (!summary || typeof summary !== 'object') return [`    ${String(summary)}`];
  return Object.entries(summary as Record<string, unknown>).map(([service, value]) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      return `    ${service.padEnd(18)} ${parts.join(', ') || 'none'}`;
    }
    return `    ${service.padEnd(18)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
  });
}

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
        '  simulated resources:',
        ...resourceLines(gcpSim),
      ].join('\n'));
    });
}
