/**
 * `stackctl publish KIND`: publishes with the real @google-cloud/pubsub client, to the local
 * emulator of the running stack by default, or to a real project with --project (ADC).
 * Payloads are validated first so a typo is reported here, with its JSON path; --no-validate
 * sends anything (how the dead-letter path is rehearsed). --wait follows the run the message
 * starts until it ends, one line per step, and exits 1 when it fails or is dead-lettered.
 */
import type { Command } from 'commander';
import { FLOW_LIST, FLOWS } from '../../../flows/definitions.ts';
import { TOPICS, type FlowName } from '../../../events/topics.ts';
import { freshExampleTimes } from '../examples.ts';
import { secondsFlag } from '../flags.ts';
import { globalOptions, printResult, CliError, UsageError } from '../output.ts';
import { parseJson, readPayload } from '../payload.ts';
import { resolveTarget, type ControlPlaneTarget } from '../target.ts';
import { waitForRun, type WaitOutcome } from '../wait.ts';

/** `publish <kind>` names, from each flow's declaration. */
export const KINDS: Readonly<Record<string, FlowName>> = Object.fromEntries(FLOW_LIST.map((f) => [f.cli.kind, f.flow]));

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface PublishFlags {
  file?: string; data?: string; attribute: string[]; orderingKey?: string; project?: string;
  validate: boolean; dryRun?: boolean; wait?: boolean; timeout: string; keepTimes?: boolean;
}

function parseAttributes(pairs: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attribute must be key=value, got "${pair}"`);
    attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return attributes;
}

async function publish(target: ControlPlaneTarget, topic: string, data: Buffer, attributes: Record<string, string>, orderingKey?: string): Promise<string> {
  const pubsub = await target.pubsub();
  try {
    return await pubsub.topic(topic, orderingKey ? { messageOrdering: true } : {}).publishMessage({ data, attributes, orderingKey });
  } finally {
    await pubsub.close();
  }
}

export function register(program: Command): void {
  program
    .command('publish')
    .description('publish a message to a flow\'s topic (locally, or to a project with --project); --wait follows its run')
    .argument('<kind>', Object.keys(KINDS).join('|'))
    .option('--file <path>', 'JSON payload file')
    .option('--data <json>', 'JSON payload inline')
    .option('--attribute <key=value>', 'message attribute (repeatable)', collect, [])
    .option('--ordering-key <key>', 'Pub/Sub ordering key')
    .option('--project <id>', 'publish to this real Google Cloud project (Application Default Credentials) instead of the local emulator')
    .option('--no-validate', 'send the payload even if it does not validate (rehearses dead-lettering)')
    .option('--dry-run', 'provisioning only: print the plan against the current state, publish nothing')
    .option('--wait', 'follow the run the message starts until it ends; exit 1 if it fails or is dead-lettered')
    .option('--timeout <seconds>', 'with --wait: give up after this long (exit 1)', '600')
    .option('--keep-times', 'send the times of an examples/ incident unchanged (by default they are moved to now)')
    .action(async (kind: string, opts: PublishFlags, cmd: Command) => {
      const global = globalOptions(cmd);
      const flow = KINDS[kind];
      if (!flow) throw new UsageError(`unknown kind "${kind}"`, `use one of: ${Object.keys(KINDS).join(', ')}`);
      const timeoutMs = secondsFlag('--timeout', opts.timeout, 1, 24 * 3600) * 1000;
      const payload = readPayload(opts);
      const attributes = parseAttributes(opts.attribute);
      let json = parseJson(payload);
      if (flow === 'alerts' && payload.file && !opts.keepTimes) {
        const fresh = freshExampleTimes(payload.file, json, new Date());
        if (fresh) {
          json = fresh.value;
          if (!global.json) process.stderr.write(`note: ${fresh.note}\n`);
        }
      }
      const data = Buffer.from(typeof json === 'object' && json !== null && payload.text !== JSON.stringify(json) ? JSON.stringify(json) : payload.text);
      let key: string | undefined;
      const decode = () => FLOWS[flow].decode({ data, attributes, messageId: 'cli-validate', publishTime: new Date(), mode: 'push' });
      if (opts.validate) {
        // Same decoder as the function, so what passes here passes there.
        try {
          key = decode().key;
        } catch (err) {
          throw new CliError(`${payload.source}: ${(err as Error).message}`, 'fix the payload, or send it anyway with --no-validate (it will be dead-lettered)');
        }
      } else {
        try { key = decode().key; } catch { key = undefined; }
      }
      if (opts.dryRun) {
        if (flow !== 'provisioning') throw new UsageError('--dry-run is available for provisioning requests only');
        const { describePlan, dryRunProvisioning } = await import('../dry-run.ts');
        const plan = await dryRunProvisioning(global.dataDir, data, opts.project);
        printResult(global, { dryRun: true, plan }, () => describePlan(plan));
        return;
      }
      const topic = TOPICS[flow];
      const target = resolveTarget(global, { project: opts.project });
      const where = target.kind === 'project' ? `projects/${target.projectId}/topics/${topic}` : `${topic} on ${target.label}`;
      const publishedAt = new Date();
      const messageId = await publish(target, topic, data, attributes, opts.orderingKey);
      // Some keys depend on the delivery (a test notification's message id, a scheduled job's
      // publish-time slot): decode again as the function will see it.
      if (key !== undefined) {
        try { key = FLOWS[flow].decode({ data, attributes, messageId, publishTime: publishedAt, mode: 'push' }).key; } catch { /* keep the first key */ }
      }
      if (!opts.wait) {
        printResult(global, { messageId, topic, flow }, () => `published ${messageId} to ${where}`);
        return;
      }
      if (!global.json) process.stdout.write(`published ${messageId} to ${where}; following its run (Ctrl-C stops following, not the run)\n`);
      const outcome: WaitOutcome = await waitForRun({
        target, flow, key, messageId, publishedAt, timeoutMs, color: global.color,
        progress: global.json ? undefined : (line) => process.stdout.write(`${line}\n`),
      });
      if (global.json) printResult(global, { messageId, topic, flow, ...outcome }, () => '');
      process.exitCode = outcome.ok ? 0 : 1;
    });
}
