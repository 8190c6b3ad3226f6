import { readFileSync } from 'node:fs';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../../adapters/local/pubsub-options.ts';
import type { Run } from '../../../ports/state-store.ts';
import { createLogger } from '../../../runtime/logger.ts';
import { provisioningDeps } from '../../../runtime/adapters/provisioning.ts';
import { localEndpoint } from '../../stack/local-endpoint.ts';
import { startStack, type RunningStack } from '../../stack/stack.ts';
import { pitrChapter, redeployChapter } from './remediation.ts';
import { backupsChapter } from './backups.ts';

export interface DemoContext {
  stack: RunningStack;
  pubsub: PubSub;
  say(line: string): void;
  waitForRun(key: string, timeoutMs?: number): Promise<Run>;
  publish(topic: string, payload: unknown, attributes?: Record<string, string>): Promise<string>;
}

export interface Chapter {
  title: string;
  run(ctx: DemoContext): Promise<Record<string, unknown>>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'accepted', 'suppressed', 'cancelled']);

const example = (name: string) => JSON.parse(readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), 'utf8'));

export const provisioningChapter: Chapter = {
  title: 'Provisioning: create a team workspace, then delete it',
  async run(ctx) {
    const create = example('workspace-create.json');
    ctx.say(`publishing WorkspaceRequest ${create.requestId} (create ${create.workspace}) to cp-provisioning-requests`);
    await ctx.publish('cp-provisioning-requests', create);
    const created = await ctx.waitForRun(`provisioning:${create.requestId}`);
    for (const step of created.steps) ctx.say(`  ${step.status.padEnd(10)} ${step.name}${step.detail ? `: ${step.detail}` : ''}`);
    if (created.status !== 'succeeded') throw new Error(`create ended ${created.status}: ${created.error?.message ?? ''}`);
    const deps = provisioningDeps(localEndpoint(ctx.stack.config), ctx.stack.container.deps.clock);
    const secret = JSON.parse((await deps.secrets.accessVersion('ws-team-alpha-db')).toString()) as Record<string, string>;
    ctx.say(`  the secret ws-team-alpha-db holds ${Object.keys(secret).join(', ')} (password never printed)`);

    const remove = example('workspace-delete.json');
    ctx.say(`publishing WorkspaceRequest ${remove.requestId} (delete ${remove.workspace})`);
    await ctx.publish('cp-provisioning-requests', remove);
    const deleted = await ctx.waitForRun(`provisioning:${remove.requestId}`);
    for (const step of deleted.steps) ctx.say(`  ${step.status.padEnd(10)} ${step.name}${step.detail ? `: ${step.detail}` : ''}`);
    if (deleted.status !== 'succeeded') throw new Error(`delete ended ${deleted.status}: ${deleted.error?.message ?? ''}`);
    const exports = await deps.objects.listObjects(ctx.stack.config.backupBucket, { prefix: `workspaces/${remove.workspace}/` });
    ctx.say(`  final export kept: gs://${ctx.stack.config.backupBucket}/${exports[0]?.name ?? '(missing!)'}`);
    return { created: created.id, deleted: deleted.id, export: exports[0]?.name };
  },
};

/** The tour's chapters, in order; flows add theirs here. */
export const CHAPTERS: Chapter[] = [provisioningChapter, redeployChapter, pitrChapter, backupsChapter];

export async function runDemo(options: { dataDir: string; clockSpeed: number; json: boolean; chapters?: Chapter[] }) {
  const say = (line: string) => { if (!options.json) process.stdout.write(`${line}\n`); };
  say(`booting a throwaway local stack in ${options.dataDir} (simulated time x${options.clockSpeed})…`);
  const stack = await startStack({
    dataDir: options.dataDir, clockSpeed: options.clockSpeed, logger: createLogger({ level: (process.env.DEMO_LOG_LEVEL ?? 'silent') as 'silent' }),
    retry: { minimumBackoffSeconds: 0, maximumBackoffSeconds: 2 },
  });
  const pubsub = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
  const ctx: DemoContext = {
    stack, pubsub, say,
    publish: (topic, payload, attributes) => pubsub.topic(topic).publishMessage({ data: Buffer.from(JSON.stringify(payload)), attributes }),
    waitForRun: async (key, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const run = await stack.container.deps.store.getRunByKey(key);
        if (run && TERMINAL.has(run.status)) return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for run ${key}`);
    },
  };
  const chapters: Array<{ title: string; ok: boolean; result?: Record<string, unknown>; error?: string }> = [];
  try {
    for (const chapter of options.chapters ?? CHAPTERS) {
      say(`\n== ${chapter.title}`);
      try {
        chapters.push({ title: chapter.title, ok: true, result: await chapter.run(ctx) });
      } catch (err) {
        say(`  FAILED: ${(err as Error).message}`);
        chapters.push({ title: chapter.title, ok: false, error: (err as Error).message });
      }
    }
  } finally {
    await pubsub.close();
    await stack.stop();
  }
  say(`\ndemo finished: ${chapters.filter((c) => c.ok).length}/${chapters.length} chapters succeeded`);
  return { dataDir: options.dataDir, chapters };
}
