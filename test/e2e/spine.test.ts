/**
 * Spine acceptance on the real local stack: the real @google-cloud/pubsub client publishes to
 * the emulator, which pushes binary CloudEvents to the functions served by functions-framework.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { eventually, stackctl, stackctlJson, startTestStack } from '../support/stack.ts';

const example = (name: string) => readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8');

describe('local stack: spine', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  let client: PubSub;

  beforeAll(async () => {
    stack = await startTestStack();
    client = new PubSub(emulatorPubsubOptions(stack.info.projectId, stack.info.endpoints.pubsubEmulator));
  });
  afterAll(async () => {
    await client?.close();
    await stack?.cleanup();
  });

  it('a request published with the plain client reaches the function and is recorded as a run', async () => {
    const messageId = await client.topic('cp-provisioning-requests').publishMessage({ data: Buffer.from(example('workspace-create.json')) });
    expect(messageId).toMatch(/^\d+$/);
    const runs = await eventually(async () => {
      const out = await stackctlJson(['runs', '--data-dir', stack.dataDir]);
      return out.runs.length > 0 && out.runs[0].status !== 'running' ? out.runs : undefined;
    }, 'the run to be recorded');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ flow: 'provisioning', key: 'provisioning:req-7f3a9c', target: 'workspace:team-alpha', status: 'succeeded' });
  });

  it('publishing the same requestId again gives no second run, and the audit shows the duplicate', async () => {
    await client.topic('cp-provisioning-requests').publishMessage({ data: Buffer.from(example('workspace-create.json')) });
    const duplicate = await eventually(async () => {
      const out = await stackctlJson(['audit', '--result', 'duplicate', '--data-dir', stack.dataDir]);
      return out.audit[0];
    }, 'the duplicate audit record');
    expect(duplicate.reason).toMatch(/duplicate of run/);
    const { runs } = await stackctlJson(['runs', '--flow', 'provisioning', '--data-dir', stack.dataDir]);
    expect(runs).toHaveLength(1);
  });

  it('malformed messages are acked and dead-lettered with their reason; healthy ones alongside all run', async () => {
    const base = JSON.parse(example('workspace-create.json'));
    const malformed = [
      { data: Buffer.from('this is not json'), reason: /not valid JSON/ },
      { data: Buffer.from(JSON.stringify({ hello: 'world' })), reason: /\$\.apiVersion/ },
      { data: Buffer.from(JSON.stringify({ ...base, requestId: 'req-inject1', workspace: 'x; DROP DATABASE zenml' })), reason: /\$\.workspace/ },
      { data: Buffer.from(JSON.stringify({ ...base, requestId: 'req-oversize', requestedBy: `${'a'.repeat(100_000)}@example.com` })), reason: /limit is/ },
    ];
    const healthy = Array.from({ length: 10 }, (_, i) => ({ ...base, requestId: `req-healthy-${i}`, workspace: `team-h${i}` }));
    const topic = client.topic('cp-provisioning-requests');
    await Promise.all([
      ...malformed.map((m) => topic.publishMessage({ data: m.data })),
      ...healthy.map((h) => topic.publishMessage({ data: Buffer.from(JSON.stringify(h)) })),
    ]);
    const deadLetters = await eventually(async () => {
      const out = await stackctlJson(['dead-letters', '--data-dir', stack.dataDir]);
      return out.deadLetters.length >= malformed.length ? out.deadLetters : undefined;
    }, 'four dead letters');
    expect(deadLetters).toHaveLength(malformed.length);
    for (const m of malformed) expect(deadLetters.some((d: any) => m.reason.test(d.reason))).toBe(true);
    const runs = await eventually(async () => {
      const out = await stackctlJson(['runs', '--flow', 'provisioning', '--data-dir', stack.dataDir]);
      const done = out.runs.filter((r: any) => r.key.startsWith('provisioning:req-healthy-') && !['running', 'retrying'].includes(r.status));
      return done.length === healthy.length ? done : undefined;
    }, 'all healthy runs');
    expect(runs).toHaveLength(healthy.length);
    // Malformed messages are never retried: each was delivered once.
    const audit = await stackctlJson(['audit', '--result', 'dead-lettered', '--data-dir', stack.dataDir]);
    expect(audit.audit).toHaveLength(malformed.length);
  });

  it('status --json reports the project and every endpoint', async () => {
    const status = await stackctlJson(['status', '--data-dir', stack.dataDir]);
    expect(status.projectId).toBe('local-project');
    expect(status.endpoints.pubsubEmulator).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(status.endpoints.gcpSim).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(status.endpoints.functions).sort()).toEqual(['alerts', 'backups', 'budgets', 'costReports', 'provisioning']);
    expect(status.resources.gcpSim.sqladmin.instances).toBeGreaterThanOrEqual(1);
    // The control plane's own state, from the stack's store: what ran and what waits.
    expect(status.controlPlane).toMatchObject({ inFlight: expect.any(Array), deadLetters: { total: expect.any(Number) }, parked: expect.any(Array) });
    expect(status.controlPlane.recent.runs).toBeGreaterThanOrEqual(1);
  });

  it('commands explain how to start a stack when none runs', async () => {
    const out = await stackctl(['status', '--data-dir', `${stack.dataDir}-missing`]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/no local stack is running/);
    expect(out.stderr).toMatch(/npm start|stackctl start/);
  });
});
