/** `runs`, `audit`, `dead-letters` (+ `replay`): read the local state store. */
import type { Command } from 'commander';
import { emulatorPubsubOptions } from '../../../adapters/local/pubsub-options.ts';
import { REPLAY_ATTRIBUTE } from '../../../runtime/pipeline.ts';
import { TOPICS, type FlowName } from '../../../events/topics.ts';
import { FLOW_LIST } from '../../../flows/definitions.ts';
import type { Run, RunStatus, AuditRecord, DeadLetter } from '../../../ports/state-store.ts';
import { CliError, globalOptions, printResult } from '../output.ts';
import { openLocalStore, requireRunningStack } from '../local-state.ts';

const FLOW_NAMES: string[] = FLOW_LIST.map((f) => f.flow);

function flowOption(value: string | undefined): FlowName | undefined {
  if (value === undefined) return undefined;
  if (!FLOW_NAMES.includes(value)) throw new CliError(`unknown flow "${value}"`, `use one of: ${FLOW_NAMES.join(', ')}`);
  return value as FlowName;
}

function limitOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new CliError(`--limit must be an integer in 1..10000, got ${value}`);
  return n;
}

function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function runsTable(runs: Run[]): string {
  if (runs.length === 0) return 'no runs';
  return table([
    ['RUN', 'FLOW', 'STATUS', 'TARGET', 'ATTEMPTS', 'UPDATED', 'EXECUTION', 'KEY'],
    ...runs.map((r) => [
      r.id, r.flow, r.status, r.target ?? '', String(r.attempts), r.updatedAt,
      r.refs?.execution ? `${r.refs.execution.split('/').slice(-3).join('/')} ${r.refs.executionState ?? ''}`.trim() : '', r.key,
    ]),
  ]);
}

function auditTable(records: AuditRecord[]): string {
  if (records.length === 0) return 'no audit records';
  return table([
    ['AT', 'FLOW', 'RESULT', 'ACTION', 'ACTOR', 'RUN', 'REASON'],
    ...records.map((a) => [a.at, a.flow, a.result, a.action, a.actor, a.runId ?? '', a.reason ?? '']),
  ]);
}

function deadLetterTable(records: DeadLetter[]): string {
  if (records.length === 0) return 'no dead letters';
  return table([
    ['ID', 'AT', 'FLOW', 'REPLAYED', 'REASON'],
    ...records.map((d) => [d.id, d.at, d.flow, d.replayedAt ?? '', d.reason]),
  ]);
}

export function register(program: Command): void {
  program
    .command('runs')
    .description('list runs, newest first')
    .option('--flow <flow>', FLOW_NAMES.join('|'))
    .option('--status <status>', 'filter by status')
    .option('--target <target>', 'filter by target (e.g. workspace:team-alpha)')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (opts: { flow?: string; status?: string; target?: string; limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const store = openLocalStore(global.dataDir);
      try {
        const runs = await store.listRuns({ flow: flowOption(opts.flow), status: opts.status as RunStatus | undefined, target: opts.target, limit: limitOption(opts.limit) });
        printResult(global, { runs }, () => runsTable(runs));
      } finally {
        await store.close();
      }
    });

  program
    .command('audit')
    .description('list audit records, newest first')
    .option('--run <id>', 'records of one run')
    .option('--flow <flow>', FLOW_NAMES.join('|'))
    .option('--result <result>', 'ok|duplicate|suppressed|failed|dead-lettered|info')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (opts: { run?: string; flow?: string; result?: string; limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const store = openLocalStore(global.dataDir);
      try {
        const audit = await store.queryAudit({ runId: opts.run, flow: flowOption(opts.flow), result: opts.result as AuditRecord['result'] | undefined, limit: limitOption(opts.limit) });
        printResult(global, { audit }, () => auditTable(audit));
      } finally {
        await store.close();
      }
    });

  const deadLetters = program
    .command('dead-letters')
    .description('list messages that were dead-lettered, with their reason')
    .option('--flow <flow>', FLOW_NAMES.join('|'))
    .option('--all', 'include replayed ones')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (opts: { flow?: string; all?: boolean; limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const store = openLocalStore(global.dataDir);
      try {
        const records = await store.listDeadLetters({ flow: flowOption(opts.flow), includeReplayed: Boolean(opts.all), limit: limitOption(opts.limit) });
        printResult(global, { deadLetters: records }, () => deadLetterTable(records));
      } finally {
        await store.close();
      }
    });

  deadLetters
    .command('replay')
    .description('publish a dead-lettered message again, unchanged, to its topic')
    .argument('<id>', 'dead letter id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const global = globalOptions(cmd);
      const stack = requireRunningStack(global.dataDir);
      const store = openLocalStore(global.dataDir);
      const { PubSub } = await import('@google-cloud/pubsub');
      const pubsub = new PubSub(emulatorPubsubOptions(stack.projectId, stack.endpoints.pubsubEmulator));
      try {
        const record = await store.getDeadLetter(id);
        if (!record) throw new CliError(`no dead letter with id ${id}`, 'list them with `stackctl dead-letters --all`');
        const topic = Object.values(TOPICS).includes(record.topic as never) ? record.topic : TOPICS[record.flow];
        const messageId = await pubsub.topic(topic).publishMessage({
          data: Buffer.from(record.raw.data, 'base64'), attributes: { ...record.raw.attributes, [REPLAY_ATTRIBUTE]: record.id },
        });
        const updated = await store.markDeadLetterReplayed(id);
        printResult(global, { replayed: updated, messageId, topic }, () => `replayed ${id} to ${topic} as message ${messageId}`);
      } finally {
        await pubsub.close();
        await store.close();
      }
    });
}
