import type { Command } from 'commander';

export interface CommandModule { register(program: Command): void }

/**
 * A command module loaded only when one of its commands is run (or for `completion`); until
 * then its commands appear in the help with these summaries, which must equal the modules' own
 * descriptions (test/shared/local/cli/commands/index.test.ts holds them to it).
 */
export interface LazyCommand {
  commands: Record<string, string>;
  load: () => Promise<CommandModule>;
}

/** Keep one entry per module. */
export const lazyCommands: LazyCommand[] = [
  { commands: { start: 'run the whole control plane locally: Pub/Sub emulator, gcp-sim, the functions (Ctrl-C stops it)' }, load: () => import('./start.ts') },
  { commands: { publish: 'publish a message to a flow\'s topic (locally, or to a project with --project); --wait follows its run' }, load: () => import('./publish.ts') },
  { commands: { runs: 'list runs, newest first; `runs describe ID` shows one step by step; --watch follows' }, load: () => import('./runs.ts') },
  { commands: { audit: 'list audit records, newest first' }, load: () => import('./audit.ts') },
  { commands: { 'dead-letters': 'list dead-lettered messages with their reason; `dead-letters replay ID` republishes one' }, load: () => import('./dead-letters.ts') },
  { commands: { events: 'show the status events on cp-events (the observer subscription)' }, load: () => import('./events.ts') },
  { commands: { guardrails: 'list or reset the remediation guardrails: cooldowns, circuit breakers, the rate limit' }, load: () => import('./guardrails.ts') },
  { commands: { status: 'what runs where (the local stack, or --project), and the control plane\'s work: in flight, approvals, failures, dead letters' }, load: () => import('./status.ts') },
  {
    commands: {
      approve: 'approve a remediation that waits for a human (e.g. pitr-restore); EXECUTION is its execution name or id',
      reject: 'reject a remediation that waits for a human; the workflow ends with nothing changed',
    },
    load: () => import('./approvals.ts'),
  },
  { commands: { demo: 'a guided tour on a throwaway local stack: create and delete a workspace, then the remediations' }, load: () => import('./demo.ts') },
  { commands: { workflow: 'Cloud Workflows on the local engine' }, load: () => import('./workflow.ts') },
  { commands: { sim: 'run the simulated Google Cloud (gcp-sim) on its own until SIGINT/SIGTERM' }, load: () => import('./sim.ts') },
  { commands: { emulator: 'run a single local emulator on its own' }, load: () => import('./emulator.ts') },
  { commands: { build: 'bundle functions/index.ts with esbuild and write the deployable archive (<out>.zip) for Terraform' }, load: () => import('./build.ts') },
  { commands: { bench: 'benchmarks: Pub/Sub emulator throughput, handler runtime overhead, workflow interpreter vs plain JS, CLI start-up' }, load: () => import('./bench.ts') },
  { commands: { completion: 'print a shell completion script: `source <(stackctl completion bash)` (or zsh)' }, load: () => import('./completion.ts') },
  { commands: { backups: 'backups, exports (age, size) and the last restore drills (RTO); `run TASK`, `regional-restore`' }, load: () => import('./backups.ts') },
  { commands: { report: 'reports built from the local stack' }, load: () => import('./report.ts') },
  { commands: { cost: 'cost tools' }, load: () => import('./cost.ts') },
  { commands: { budget: 'the dev stack\'s budget scale-down: show, approve, reject, restore' }, load: () => import('./budget.ts') },
];

/** Modules registered eagerly, on every start (prefer a lazyCommands entry: it keeps `--help` fast). */
export const commandModules: Array<(program: Command) => void> = [];
