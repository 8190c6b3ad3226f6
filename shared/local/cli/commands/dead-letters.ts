/**
 * `dead-letters`: what was dead-lettered and why. Two sources: the state store's records (a
 * message refused at the edge or failed permanently; locally also everything the stack's
 * watcher moved off a `-dlq` topic) and, with --project, the messages still waiting on the
 * `<topic>-dlq-sub` subscriptions. `dead-letters replay ID` republishes one either way.
 */
import type { Command } from 'commander';
import type { DeadLetter } from '../../../ports/state-store.ts';
import { TOPICS } from '../../../events/topics.ts';
import { peekDeadLetters, REPLAY_ATTRIBUTE, replayFromSubscription, type DlqMessage } from '../dlq.ts';
import { FLOW_NAMES, flowFlag, limitFlag } from '../flags.ts';
import { age, renderTable, terminalWidth } from '../format/table.ts';
import { CliError, globalOptions, printResult, UsageError } from '../output.ts';
import { resolveTarget, withTargetOptions, type ControlPlaneTarget, type TargetFlags } from '../target.ts';

interface Row { id: string; source: 'store' | 'dlq-sub'; at?: string; flow: string; replayedAt?: string; reason: string }

function rows(records: DeadLetter[], waiting: DlqMessage[]): Row[] {
  return [
    ...records.map((d): Row => ({ id: d.id, source: 'store', at: d.at, flow: d.flow, replayedAt: d.replayedAt, reason: d.reason })),
    ...waiting.map((m): Row => ({ id: m.id, source: 'dlq-sub', at: m.publishTime, flow: m.flow, reason: `on ${m.subscription}${m.deliveryCount ? ` after ${m.deliveryCount} delivery attempts` : ''}` })),
  ];
}

function table(list: Row[], options: { width: number; color: boolean }): string {
  if (list.length === 0) return 'no dead letters';
  return renderTable(
    [{ header: 'ID' }, { header: 'SOURCE' }, { header: 'AGE' }, { header: 'FLOW' }, { header: 'REPLAYED' }, { header: 'REASON', shrink: true, min: 20 }],
    list.map((r) => [r.id, r.source, age(r.at), r.flow, r.replayedAt ? `${age(r.replayedAt)} ago` : '', r.reason]),
    options,
  );
}

async function fullMessage(target: ControlPlaneTarget, dataDir: string, record: DeadLetter): Promise<{ data: Buffer; attributes: Record<string, string> }> {
  const [{ fullDeadLetterMessage }, { deadLetterPayloads }, { loadConfig }, { systemClock }] = await Promise.all([
    import('../../../runtime/dead-letters.ts'), import('../../../runtime/adapters/dead-letter-payloads.ts'),
    import('../../../runtime/config.ts'), import('../../../runtime/system-clock.ts'),
  ]);
  if (target.kind === 'local') {
    const [{ requireRunningStack }, { localEndpoint }] = await Promise.all([import('../local-state.ts'), import('../../stack/local-endpoint.ts')]);
    const stack = requireRunningStack(dataDir);
    const config = loadConfig({ ...process.env, GOOGLE_CLOUD_PROJECT: stack.projectId, STACKCTL_GCP_SIM_URL: stack.endpoints.gcpSim, STACKCTL_DATA_DIR: dataDir });
    return fullDeadLetterMessage(record, deadLetterPayloads(localEndpoint(config), systemClock, config.backupBucket).objects);
  }
  const config = loadConfig({ ...process.env, STACKCTL_MODE: 'production', GOOGLE_CLOUD_PROJECT: target.projectId, STACKCTL_GCP_SIM_URL: undefined });
  return fullDeadLetterMessage(record, deadLetterPayloads({ projectId: target.projectId, region: target.region }, systemClock, config.backupBucket).objects);
}

export function register(program: Command): void {
  const deadLetters = withTargetOptions(program
    .command('dead-letters')
    .description('list dead-lettered messages with their reason; `dead-letters replay ID` republishes one')
    .option('--flow <flow>', FLOW_NAMES.join('|'))
    .option('--all', 'include replayed ones')
    .option('--limit <n>', 'at most this many per source', '100'))
    .action(async (opts: TargetFlags & { flow?: string; all?: boolean; limit: string }, cmd: Command) => {
      const global = globalOptions(cmd);
      const flow = flowFlag(opts.flow);
      const limit = limitFlag(opts.limit);
      const target = resolveTarget(global, opts);
      const store = await target.openStore();
      try {
        const records = await store.listDeadLetters({ flow, includeReplayed: Boolean(opts.all), limit });
        let waiting: DlqMessage[] = [];
        if (target.kind === 'project') {
          const pubsub = await target.pubsub();
          try {
            waiting = await peekDeadLetters(pubsub, flow ? [flow] : FLOW_NAMES, limit);
          } finally {
            await pubsub.close();
          }
        }
        printResult(global, { deadLetters: records, ...(target.kind === 'project' ? { waiting } : {}) }, () => table(rows(records, waiting), { width: terminalWidth(), color: global.color }));
      } finally {
        await store.close();
      }
    });

  withTargetOptions(deadLetters
    .command('replay')
    .description('publish a dead-lettered message again, unchanged (plus stackctl-replay-of), to its topic')
    .argument('<id>', 'dead letter id, or with --project the message id of one waiting on a -dlq-sub subscription'))
    .action(async (id: string, opts: TargetFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      if (!/^[A-Za-z0-9_:-]{1,128}$/.test(id)) throw new UsageError(`"${id}" is not a dead letter id`, 'list them with `stackctl dead-letters --all`');
      const target = resolveTarget(global, { ...cmd.parent?.opts(), ...opts } as TargetFlags);
      const store = await target.openStore();
      const pubsub = await target.pubsub();
      try {
        const record = await store.getDeadLetter(id);
        if (record) {
          const topic = Object.values(TOPICS).includes(record.topic as never) ? record.topic : TOPICS[record.flow];
          // A large message's record keeps only a reference; the full one is in the dead-letter bucket.
          const full = await fullMessage(target, global.dataDir, record);
          const messageId = await pubsub.topic(topic).publishMessage({
            data: full.data, attributes: { ...full.attributes, [REPLAY_ATTRIBUTE]: record.id },
          });
          const updated = await store.markDeadLetterReplayed(id);
          await store.appendAudit({ flow: 'cli', actor: 'stackctl', action: 'dead-letters.replay', result: 'ok', reason: `replayed dead letter ${id} to ${topic} as message ${messageId}`, details: { deadLetterId: id, messageId } });
          printResult(global, { replayed: updated, messageId, topic }, () => `replayed ${id} to ${topic} as message ${messageId}`);
          return;
        }
        if (target.kind === 'project') {
          const found = await replayFromSubscription(pubsub, id);
          if (found) {
            await store.appendAudit({ flow: 'cli', actor: 'stackctl', action: 'dead-letters.replay', result: 'ok', reason: `replayed message ${id} from ${found.message.subscription} to ${found.message.topic} as message ${found.replayId}`, details: { messageId: id, replayId: found.replayId } });
            printResult(global, { replayed: found.message, messageId: found.replayId, topic: found.message.topic },
              () => `replayed ${id} from ${found.message.subscription} to ${found.message.topic} as message ${found.replayId}`);
            return;
          }
        }
        throw new CliError(`no dead letter with id ${id} in ${target.label}`, 'list them with `stackctl dead-letters --all`');
      } finally {
        await pubsub.close();
        await store.close();
      }
    });
}
