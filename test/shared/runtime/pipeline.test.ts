import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWorkspaceRequest, type EventOfKind } from '../../../shared/events/index.ts';
import type { PubsubMessage } from '../../../shared/events/envelope.ts';
import { openSqliteStateStore } from '../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../shared/adapters/local/virtual-clock.ts';
import type { StateStore } from '../../../shared/ports/state-store.ts';
import { PermanentError, TransientError } from '../../../shared/runtime/errors.ts';
import type { ActOutcome, FlowDefinition, RuntimeDeps } from '../../../shared/runtime/flow.ts';
import { processDelivery, processMessage, REPLAY_ATTRIBUTE } from '../../../shared/runtime/pipeline.ts';
import { memoryLogger, RecordingPublisher, testConfig } from '../../support/fakes.ts';

type Ev = EventOfKind<'WorkspaceRequest'>;

const request = (requestId = 'req-000001', workspace = 'team-alpha') => ({
  apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId, action: 'create', workspace,
  environment: 'dev', requestedBy: 'alice@example.com',
});

let seq = 0;
function message(data: unknown): PubsubMessage {
  seq++;
  return {
    data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)), attributes: {},
    messageId: `m-${seq}`, publishTime: new Date('2026-11-26T08:00:00Z'), mode: 'push', deliveryAttempt: 1,
  };
}

describe('processMessage (the handler contract)', () => {
  let store: StateStore;
  let publisher: RecordingPublisher;
  let deps: RuntimeDeps;
  let behaviour: (e: Ev) => Promise<ActOutcome>;
  let calls: number;
  const flow: FlowDefinition<Ev> = {
    flow: 'provisioning',
    decode: decodeWorkspaceRequest,
    actor: (e) => e.request.requestedBy,
    describe: (e) => ({ workspace: e.request.workspace }),
    act: async (e, ctx) => {
      calls++;
      await ctx.recordStep({ name: 'step-1', status: 'succeeded' });
      return behaviour(e);
    },
  };

  beforeEach(() => {
    const clock = new VirtualClock('2026-11-26T08:00:00Z');
    store = openSqliteStateStore(':memory:', { clock });
    publisher = new RecordingPublisher();
    deps = { config: testConfig(), store, publisher, clock, logger: memoryLogger().logger };
    behaviour = async () => ({ status: 'succeeded', result: { ok: true } });
    calls = 0;
  });
  afterEach(async () => store.close());

  it('runs a valid message once, records steps, audits and publishes a status event', async () => {
    const outcome = await processMessage(flow, deps, undefined, message(request()));
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'succeeded' });
    const runs = await store.listRuns();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ key: 'provisioning:req-000001', status: 'succeeded', attempts: 1, target: 'workspace:team-alpha' });
    expect(runs[0]!.steps.map((s) => s.name)).toEqual(['step-1']);
    expect(publisher.messages).toHaveLength(1);
    expect(publisher.messages[0]).toMatchObject({ topic: 'cp-events', data: { kind: 'RunStatus', status: 'succeeded', flow: 'provisioning' } });
    expect((await store.queryAudit())[0]).toMatchObject({ result: 'ok', actor: 'alice@example.com' });
  });

  it('a duplicate requestId (new message id) causes no second action, and the audit says so', async () => {
    await processMessage(flow, deps, undefined, message(request()));
    const again = await processMessage(flow, deps, undefined, message(request()));
    expect(again).toMatchObject({ ack: true, outcome: 'duplicate' });
    expect(calls).toBe(1);
    expect(await store.listRuns()).toHaveLength(1);
    const audit = await store.queryAudit({ result: 'duplicate' });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toMatch(/duplicate of run/);
  });

  it.each([
    ['not JSON', '{{{', /not valid JSON/],
    ['the wrong shape', { hello: 1 }, /\$\.apiVersion/],
    ['an injection attempt in workspace', request('req-000002', "a'; DROP TABLE x; --"), /\$\.workspace/],
    ['an oversized message', { ...request(), requestedBy: `${'x'.repeat(70_000)}@example.com` }, /limit is/],
  ])('dead-letters %s with its reason and acks it', async (_name, data, reason) => {
    const outcome = await processMessage(flow, deps, undefined, message(data));
    expect(outcome).toMatchObject({ ack: true, outcome: 'dead-lettered' });
    const dls = await store.listDeadLetters();
    expect(dls).toHaveLength(1);
    expect(dls[0]!.reason).toMatch(reason);
    expect(Buffer.from(dls[0]!.raw.data, 'base64').toString()).toBe(typeof data === 'string' ? data : JSON.stringify(data));
    expect(calls).toBe(0);
    expect(await store.listRuns()).toHaveLength(0);
  });

  it('a transient failure nacks, leaves the run retrying, and the redelivery resumes the same run', async () => {
    behaviour = async () => { throw new TransientError('503 from Cloud SQL'); };
    const first = await processMessage(flow, deps, undefined, message(request()));
    expect(first).toMatchObject({ ack: false, outcome: 'retry' });
    const [run] = await store.listRuns();
    expect(run).toMatchObject({ status: 'retrying', attempts: 1 });
    behaviour = async () => ({ status: 'succeeded' });
    const second = await processMessage(flow, deps, undefined, message(request()));
    expect(second).toMatchObject({ ack: true, outcome: 'processed', runId: run!.id });
    expect(await store.getRun(run!.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('an unexpected exception is treated as transient, never acked', async () => {
    behaviour = async () => { throw new Error('bug'); };
    expect(await processMessage(flow, deps, undefined, message(request()))).toMatchObject({ ack: false });
  });

  it('a permanent failure acks, fails the run, dead-letters it and publishes RunFailed', async () => {
    behaviour = async () => { throw new PermanentError('403 on buckets.insert', { where: 'create-bucket', code: 403 }); };
    const outcome = await processMessage(flow, deps, undefined, message(request()));
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'failed' });
    expect((await store.listRuns())[0]).toMatchObject({ status: 'failed', error: { class: 'permanent', where: 'create-bucket' } });
    expect(publisher.messages[0]!.data).toMatchObject({ kind: 'RunFailed', where: 'create-bucket' });
    expect((await store.listDeadLetters())[0]!.reason).toMatch(/403/);
  });

  it('a failed status-event publish is retried rather than losing the event', async () => {
    publisher.failNext = 1;
    expect(await processMessage(flow, deps, undefined, message(request()))).toMatchObject({ ack: false });
    expect(await processMessage(flow, deps, undefined, message(request()))).toMatchObject({ ack: true, status: 'succeeded' });
    expect(publisher.messages).toHaveLength(1);
  });

  it('serialises two requests for the same target with the lease', async () => {
    let release!: () => void;
    behaviour = () => new Promise((resolve) => { release = () => resolve({ status: 'succeeded' }); });
    const first = processMessage(flow, deps, undefined, message(request('req-aaaaaa')));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const second = await processMessage(flow, deps, undefined, message(request('req-bbbbbb')));
    expect(second).toMatchObject({ ack: false, reason: expect.stringMatching(/locked by another run/) });
    release();
    expect(await first).toMatchObject({ ack: true, status: 'succeeded' });
    behaviour = async () => ({ status: 'succeeded' });
    expect(await processMessage(flow, deps, undefined, message(request('req-bbbbbb')))).toMatchObject({ ack: true, status: 'succeeded' });
  });

  it('concurrent copies of one message act once: the claim starts the run atomically', async () => {
    let release!: () => void;
    behaviour = () => new Promise((resolve) => { release = () => resolve({ status: 'succeeded' }); });
    const first = processMessage(flow, deps, undefined, message(request('req-concur')));
    const copies = await Promise.all(Array.from({ length: 5 }, () => processMessage(flow, deps, undefined, message(request('req-concur')))));
    for (const copy of copies) expect(copy).toMatchObject({ ack: false, reason: expect.stringMatching(/in progress elsewhere/) });
    await new Promise((r) => setImmediate(r));
    release();
    expect(await first).toMatchObject({ ack: true, status: 'succeeded' });
    expect(calls).toBe(1);
    expect(await processMessage(flow, deps, undefined, message(request('req-concur')))).toMatchObject({ ack: true, outcome: 'duplicate' });
  });

  it('a replayed dead letter of a failed run runs again, once, instead of counting as a duplicate', async () => {
    behaviour = async () => { throw new PermanentError('403 on buckets.insert', { where: 'create-bucket', code: 403 }); };
    await processMessage(flow, deps, undefined, message(request('req-replay')));
    const [dl] = await store.listDeadLetters();
    expect(await processMessage(flow, deps, undefined, message(request('req-replay')))).toMatchObject({ outcome: 'duplicate' });
    behaviour = async () => ({ status: 'succeeded' });
    const replay = (): PubsubMessage => ({ ...message(request('req-replay')), attributes: { [REPLAY_ATTRIBUTE]: dl!.id } });
    expect(await processMessage(flow, deps, undefined, replay())).toMatchObject({ ack: true, outcome: 'processed', status: 'succeeded' });
    expect(await processMessage(flow, deps, undefined, replay())).toMatchObject({ outcome: 'duplicate' });
    expect((await store.listRuns()).map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
  });

  it('dead-letters an HTTP delivery that is not a Pub/Sub message at all', async () => {
    const outcome = await processDelivery(flow, deps, undefined, { 'content-type': 'application/json' }, Buffer.from('{"nope":true}'));
    expect(outcome).toMatchObject({ ack: true, outcome: 'dead-lettered' });
    expect((await store.listDeadLetters())[0]!.reason).toMatch(/\$\.message/);
  });
});
