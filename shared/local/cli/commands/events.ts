/**
 * `events`: the status events the control plane published on cp-events, read from its retained
 * subscription: `cp-events-sub` in a project (Terraform, control-plane/events.tf), the stack's
 * `cp-events-observer` locally; `--subscription` reads another, e.g. an attention subscription
 * (`cp-events-approvals`). Reading peeks by default (messages go straight back), so several
 * people can look; --ack consumes what it shows.
 */
import type { Command } from 'commander';
import { EVENTS_SUBSCRIPTION } from '../../stack/topology.ts';
import { subscriberClient } from '../dlq.ts';
import { limitFlag } from '../flags.ts';
import { shortId } from '../format/runs.ts';
import { age, renderTable, terminalWidth } from '../format/table.ts';
import { globalOptions, printResult, UsageError } from '../output.ts';
import { resolveTarget, withTargetOptions, type TargetFlags } from '../target.ts';

interface StatusEvent { kind?: string; flow?: string; runId?: string; target?: string; status?: string; at?: string; [k: string]: unknown }
/** What a person most needs from an event: why, what failed, or what to answer. */
function detail(e: StatusEvent): string {
  for (const key of ['error', 'reason', 'cause', 'execution', 'executionId', 'callbackUrl', 'instance', 'app', 'workspace']) {
    const v = e[key];
    if (typeof v === 'string' && v) return key === 'reason' || key === 'error' ? v : `${key} ${v}`;
  }
  return '';
}

interface Flags extends TargetFlags { limit: string; ack?: boolean; kind?: string; run?: string; subscription?: string }

/** The retained subscription on cp-events that Terraform creates (control-plane/events.tf). */
export const PROJECT_EVENTS_SUBSCRIPTION = 'cp-events-sub';

export function register(program: Command): void {
  withTargetOptions(program
    .command('events')
    .description('show the status events on cp-events (the observer subscription)')
    .option('--kind <kind>', 'only this kind (RunStatus, RunFailed, WorkspaceReady, RemediationStarted, ApprovalRequested, …)')
    .option('--run <id>', 'only the events of this run')
    .option('--limit <n>', 'at most this many', '50')
    .option('--ack', 'acknowledge what is shown (consume it) instead of peeking')
    .option('--subscription <name>', `the subscription on cp-events (default: ${PROJECT_EVENTS_SUBSCRIPTION} with --project, ${EVENTS_SUBSCRIPTION} locally)`))
    .action(async (opts: Flags, cmd: Command) => {
      const global = globalOptions(cmd);
      const limit = limitFlag(opts.limit);
      const target = resolveTarget(global, opts);
      const name = opts.subscription ?? (target.kind === 'project' ? PROJECT_EVENTS_SUBSCRIPTION : EVENTS_SUBSCRIPTION);
      if (!/^[A-Za-z][A-Za-z0-9._~%+-]{2,254}$/.test(name)) throw new UsageError(`--subscription: "${name}" is not a subscription id`);
      const pubsub = await target.pubsub();
      const config = await pubsub.getClientConfig();
      const client = await subscriberClient(pubsub);
      const subscription = `projects/${config.projectId ?? target.projectId}/subscriptions/${name}`;
      const events: Array<StatusEvent & { messageId: string; publishTime?: string }> = [];
      try {
        const seen = new Set<string>();
        for (let batch = 0; batch < 20 && events.length < limit; batch++) {
          const [response] = await client.pull({ subscription, maxMessages: 100, returnImmediately: true }, { timeout: 15_000 });
          const received = response.receivedMessages ?? [];
          if (received.length === 0) break;
          const ack: string[] = [];
          const back: string[] = [];
          let fresh = 0;
          for (const r of received) {
            const id = r.message?.messageId ?? '';
            if (seen.has(id) || events.length >= limit) { back.push(r.ackId!); continue; }
            seen.add(id);
            fresh++;
            let event: StatusEvent;
            try {
              event = JSON.parse(Buffer.from(r.message?.data ?? '').toString('utf8')) as StatusEvent;
            } catch {
              event = { kind: '(not JSON)' };
            }
            const wanted = (!opts.kind || event.kind === opts.kind) && (!opts.run || (event.runId ?? '').startsWith(opts.run));
            if (wanted) events.push({ ...event, messageId: id, publishTime: r.message?.publishTime?.seconds ? new Date(Number(String(r.message.publishTime.seconds)) * 1000).toISOString() : undefined });
            (opts.ack && wanted ? ack : back).push(r.ackId!);
          }
          if (ack.length) await client.acknowledge({ subscription, ackIds: ack });
          if (back.length) await client.modifyAckDeadline({ subscription, ackIds: back, ackDeadlineSeconds: 0 });
          if (fresh === 0) break;
        }
      } finally {
        await client.close();
        await pubsub.close();
      }
      events.sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')));
      printResult(global, { events }, () => (events.length === 0 ? `no events waiting on ${name}` : renderTable(
        [{ header: 'AGE' }, { header: 'KIND' }, { header: 'FLOW' }, { header: 'STATUS', status: true }, { header: 'RUN' }, { header: 'TARGET', shrink: true, min: 12 }, { header: 'DETAIL', shrink: true, min: 12 }],
        events.map((e) => [age(e.at ?? e.publishTime), String(e.kind ?? ''), String(e.flow ?? ''), String(e.status ?? ''), e.runId ? shortId(e.runId) : '', String(e.target ?? ''), detail(e)]),
        { width: terminalWidth(), color: global.color },
      )));
    });
}
