/**
 * `stackctl publish KIND`: publishes with the real @google-cloud/pubsub client, to the local
 * emulator of the running stack by default, or to a real project with --project (ADC).
 * Payloads are validated first so a typo is reported here, with its JSON path; --no-validate
 * sends anything (how the dead-letter path is rehearsed).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../../adapters/local/pubsub-options.ts';
import { FLOW_LIST, FLOWS } from '../../../flows/definitions.ts';
import { TOPICS, type FlowName } from '../../../events/topics.ts';
import { globalOptions, printResult, CliError } from '../output.ts';
import { requireRunningStack } from '../local-state.ts';

/** `publish <kind>` names, from each flow's declaration. */
export const KINDS: Readonly<Record<string, FlowName>> = Object.fromEntries(FLOW_LIST.map((f) => [f.cli.kind, f.flow]));

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  program
    .command('publish')
    .description(`publish a message: ${Object.keys(KINDS).join('|')}`)
    .argument('<kind>', Object.keys(KINDS).join('|'))
    .option('--file <path>', 'JSON payload file')
    .option('--data <json>', 'JSON payload inline')
    .option('--attribute <key=value>', 'message attribute (repeatable)', collect, [])
    .option('--ordering-key <key>', 'Pub/Sub ordering key')
    .option('--project <id>', 'publish to this real Google Cloud project (Application Default Credentials) instead of the local emulator')
    .option('--no-validate', 'send the payload even if it does not validate (rehearses dead-lettering)')
    .option('--dry-run', 'provisioning only: print the plan against the current state, publish nothing')
    .action(async (kind: string, opts: { file?: string; data?: string; attribute: string[]; orderingKey?: string; project?: string; validate: boolean; dryRun?: boolean }, cmd: Command) => {
      const global = globalOptions(cmd);
      const flow = KINDS[kind];
      if (!flow) throw new CliError(`unknown kind "${kind}"`, `use one of: ${Object.keys(KINDS).join(', ')}`);
      if (Boolean(opts.file) === Boolean(opts.data)) throw new CliError('give exactly one of --file or --data');
      const text = opts.file ? readFileSync(opts.file, 'utf8') : opts.data!;
      const attributes: Record<string, string> = {};
      for (const pair of opts.attribute) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new CliError(`--attribute must be key=value, got "${pair}"`);
        attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const data = Buffer.from(text);
      if (opts.validate) {
        // Same decoder as the function, so what passes here passes there.
        FLOWS[flow].decode({ data, attributes, messageId: 'cli-validate', publishTime: new Date(), mode: 'push' });
      }
      if (opts.dryRun) {
        if (flow !== 'provisioning') throw new CliError('--dry-run is available for provisioning requests only');
        const { describePlan, dryRunProvisioning } = await import('../dry-run.ts');
        const plan = await dryRunProvisioning(global.dataDir, data, opts.project);
        printResult(global, { dryRun: true, plan }, () => describePlan(plan));
        return;
      }
      const topic = TOPICS[flow];
      const { PubSub } = await import('@google-cloud/pubsub');
      let pubsub: PubSub;
      let target: string;
      if (opts.project) {
        pubsub = new PubSub({ projectId: opts.project });
        target = `projects/${opts.project}/topics/${topic}`;
      } else {
        const stack = requireRunningStack(global.dataDir);
        pubsub = new PubSub(emulatorPubsubOptions(stack.projectId, stack.endpoints.pubsubEmulator));
        target = `projects/${stack.projectId}/topics/${topic} (emulator ${stack.endpoints.pubsubEmulator})`;
      }
      try {
        const messageId = await pubsub.topic(topic, opts.orderingKey ? { messageOrdering: true } : {})
          .publishMessage({ data, attributes, orderingKey: opts.orderingKey });
        printResult(global, { messageId, topic, flow }, () => `published ${messageId} to ${target}`);
      } finally {
        await pubsub.close();
      }
    });
}
