import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWorkspaceRequest, type EventOfKind } from '../../../shared/events/index.ts';
import type { PubsubMessage } from '../../../shared/events/envelope.ts';
import { openSqliteStateStore } from '../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../shared/adapters/local/virtual-clock.ts';
import type { StateStore } from '../../../shared/ports/state-store.ts';
import { PermanentError, TransientError } from '../../../shared/runtime/errors.ts';
import type { ActOutcome, FlowDefinition, RuntimeDeps } from '../../../shared/runtime/flow.ts';
import { processDelivery, processMessage, REPLAY_ATTRIBUTE } from '../../../shared/runtime/pipeline.ts';
import { MemoryObjectStore, memoryLogger, RecordingPublisher, testConfig } from '../../support/fakes.ts';
import { fullDeadLetterMessage } from '../../../shared/runtime/dead-letters.ts';
import { PARKED_AT_ATTRIBUTE } from '../../../shared/runtime/lease.ts';
import { OUTBOX_CLAIM_MS, statusOutbox } from '../../../shared/runtime/outbox.ts';

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

/** Parked deliveries the runtime republished to the flow's topic, taken off the publisher, as Pub/Sub would push them. */
function republished(publisher: RecordingPublisher): PubsubMessage[] {
  const out: PubsubMessage[] = [];
  for (let i = publisher.messages.length - 1; i >= 0; i--) {
    const m = publisher.messages[i]!;
    if (m.topic !== 'cp-provisioning-requests') continue;
    publisher.messages.splice(i, 1);
    seq++;
    out.unshift({ data: m.data as Buffer, attributes: m.attributes ?? {}, messageId: `m-${seq}`, publishTime: new Date('2026-11-26T08:00:00Z'), mode: 'push', deliveryAttempt: 1 });
  }
  return out;
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

  it('a failed status-event publish keeps the event in the outbox, audited, and a later sweep publishes it once', async () => {
    publisher.failNext = 1;
    expect(await processMessage(flow, deps, undefined, message(request()))).toMatchObject({ ack: true, outcome: 'processed', status: 'succeeded' });
    expect(calls).toBe(1);
    expect(publisher.messages).toHaveLength(0);
    const [kept] = await store.listOutbox();
    expect(kept).toMatchObject({ attempts: 1, lastError: 'publish unavailable', data: { kind: 'RunStatus', status: 'succeeded' } });
    expect(kept!.claimedBy).toBeUndefined();
    expect(await store.queryAudit({ result: 'failed' })).toEqual([expect.objectContaining({
      action: 'provisioning.status-event', runId: kept!.runId, reason: expect.stringMatching(/RunStatus not published to cp-events \(attempt 1\): publish unavailable; kept in the outbox/),
    })]);
    // The next delivery after the backoff and half a lease TTL sweeps the outbox.
    (deps.clock as VirtualClock).advance(deps.config.leaseTtlMs);
    expect(await processMessage(flow, deps, undefined, message(request('req-000002')))).toMatchObject({ status: 'succeeded' });
    await statusOutbox(deps).idle();
    expect(publisher.messages.map((m) => m.data.runId)).toEqual(expect.arrayContaining([kept!.runId]));
    expect(publisher.messages).toHaveLength(2);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('a status event a crashed instance committed but never published is published by the next sweep, once its claim ends', async () => {
    const { run } = await store.claim('provisioning:req-dead01', { id: 'run-dead', flow: 'provisioning', status: 'running' });
    await store.finishRun({ runId: run.id, patch: { status: 'succeeded' }, event: { topic: 'cp-events', data: { kind: 'RunStatus', runId: run.id }, attributes: {} }, claim: { owner: 'outbox:dead', claimMs: OUTBOX_CLAIM_MS } });
    await processMessage(flow, deps, undefined, message(request('req-000003')));
    expect(publisher.messages.map((m) => m.data.runId)).not.toContain('run-dead');
    (deps.clock as VirtualClock).advance(OUTBOX_CLAIM_MS);
    await processMessage(flow, deps, undefined, message(request('req-000004')));
    await statusOutbox(deps).idle();
    expect(publisher.messages.filter((m) => m.data.runId === 'run-dead')).toHaveLength(1);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('answers before publishing when STACKCTL_STATUS_FLUSH_WAIT_MS is 0, and the event still leaves', async () => {
    deps = { ...deps, config: testConfig({ STACKCTL_STATUS_FLUSH_WAIT_MS: '0' }) };
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow = { publish: async (...args: Parameters<RecordingPublisher['publish']>) => { await gate; return publisher.publish(...args); } };
    deps = { ...deps, publisher: slow };
    expect(await processMessage(flow, deps, undefined, message(request()))).toMatchObject({ ack: true, status: 'succeeded' });
    expect(publisher.messages).toHaveLength(0);
    expect(await store.listOutbox()).toHaveLength(1);
    release();
    await statusOutbox(deps).idle();
    expect(publisher.messages).toHaveLength(1);
    expect(await store.listOutbox()).toEqual([]);
  });

  it('costs two state-store transactions of its own per delivery, plus the steps and one outbox settlement', async () => {
    const calls: string[] = [];
    const counted = new Proxy(store, {
      get: (t, p, r) => {
        const v = Reflect.get(t, p, r) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => { calls.push(String(p)); return (v as (...a: unknown[]) => unknown).apply(t, args); };
      },
    });
    deps = { ...deps, store: counted };
    await processMessage(flow, deps, undefined, message(request()));
    await statusOutbox(deps).idle();
    expect(calls.filter((c) => c !== 'getDeadLetter')).toEqual(['startRun', 'appendRunStep', 'finishRun', 'settleOutbox', 'listParkedTargets', 'claimOutbox']);
  });

  it('serialises two requests for the same target: the second waits its turn parked, acked, and runs on release', async () => {
    let release!: () => void;
    behaviour = () => new Promise((resolve) => { release = () => resolve({ status: 'succeeded' }); });
    const first = processMessage(flow, deps, undefined, message(request('req-aaaaaa')));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const second = await processMessage(flow, deps, undefined, message(request('req-bbbbbb')));
    expect(second).toMatchObject({ ack: true, outcome: 'queued', target: 'workspace:team-alpha' });
    release();
    expect(await first).toMatchObject({ ack: true, status: 'succeeded' });
    behaviour = async () => ({ status: 'succeeded' });
    const handedOver = republished(publisher);
    expect(handedOver).toHaveLength(1);
    expect(await processMessage(flow, deps, undefined, handedOver[0]!)).toMatchObject({ ack: true, status: 'succeeded' });
  });

  it('concurrent copies of one message act once: copies wait, park, and end as duplicates', async () => {
    let release!: () => void;
    behaviour = () => new Promise((resolve) => { release = () => resolve({ status: 'succeeded' }); });
    const first = processMessage(flow, deps, undefined, message(request('req-concur')));
    await new Promise((r) => setImmediate(r));
    const copies = await Promise.all(Array.from({ length: 5 }, () => processMessage(flow, deps, undefined, message(request('req-concur')))));
    for (const copy of copies) expect(copy).toMatchObject({ ack: true, outcome: 'queued' });
    release();
    expect(await first).toMatchObject({ ack: true, status: 'succeeded' });
    expect(calls).toBe(1);
    // One queue entry per key: the five copies are one parked delivery.
    const handedOver = republished(publisher);
    expect(handedOver).toHaveLength(1);
    expect(await processMessage(flow, deps, undefined, handedOver[0]!)).toMatchObject({ ack: true, outcome: 'duplicate' });
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

describe('reliability under contention, crashes and hostile input', () => {
  let store: StateStore;
  let publisher: RecordingPublisher;
  let clock: VirtualClock;
  let deps: RuntimeDeps;
  let objects: MemoryObjectStore;
  let acts: string[];
  let behaviour: (e: Ev) => Promise<ActOutcome>;
  const flow: FlowDefinition<Ev> = {
    flow: 'provisioning',
    decode: decodeWorkspaceRequest,
    actor: (e) => e.request.requestedBy,
    describe: (e) => ({ workspace: e.request.workspace }),
    // Every request locks the one instance, as 60 backup jobs of one instance do.
    lockTarget: () => 'instance:zenml-metadata',
    act: async (e, ctx) => {
      acts.push(e.request.requestId);
      await ctx.recordStep({ name: 'create-database', status: 'succeeded' });
      return behaviour(e);
    },
  };

  beforeEach(() => {
    clock = new VirtualClock('2026-11-26T08:00:00Z');
    store = openSqliteStateStore(':memory:', { clock });
    publisher = new RecordingPublisher();
    objects = new MemoryObjectStore();
    deps = {
      config: testConfig(), store, publisher, clock, logger: memoryLogger().logger,
      payloads: { objects: objects as never, bucket: 'local-project-backups' },
    };
    acts = [];
    behaviour = async () => { await clock.sleep(2_000); return { status: 'succeeded' }; };
  });
  afterEach(async () => store.close());

  /** Delivers like a push subscription: nacks are redelivered, up to max attempts, then the DLQ. */
  async function pushUntilQuiet(first: PubsubMessage[]): Promise<{ nacks: number; deadLettered: PubsubMessage[]; outcomes: string[] }> {
    let pending = first.map((m) => ({ m, attempt: 1 }));
    const deadLettered: PubsubMessage[] = [];
    const outcomes: string[] = [];
    let nacks = 0;
    for (let round = 0; round < 500 && pending.length; round++) {
      const results = await Promise.all(pending.map(async ({ m, attempt }) => ({ m, attempt, out: await processMessage(flow, deps, undefined, { ...m, deliveryAttempt: attempt }) })));
      pending = [];
      for (const { m, attempt, out } of results) {
        outcomes.push(out.outcome);
        if (!out.ack) {
          nacks++;
          if (attempt >= 5) deadLettered.push(m);
          else pending.push({ m, attempt: attempt + 1 });
        }
      }
      pending.push(...republished(publisher).map((m) => ({ m, attempt: 1 })));
    }
    return { nacks, deadLettered, outcomes };
  }

  it('60 distinct jobs for one target at once all complete once, none nacked, none dead-lettered', async () => {
    const burst = Array.from({ length: 60 }, (_, i) => message(request(`req-burst-${String(i).padStart(2, '0')}`, `team-${i}`)));
    const { nacks, deadLettered, outcomes } = await pushUntilQuiet(burst);
    expect(nacks).toBe(0);
    expect(deadLettered).toHaveLength(0);
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(60);
    expect(new Set(acts).size).toBe(60);
    expect(acts).toHaveLength(60);
    const runs = await store.listRuns();
    expect(runs.map((r) => r.status)).toEqual(Array(60).fill('succeeded'));
    expect(await store.listDeadLetters()).toHaveLength(0);
    expect(await store.listParkedTargets()).toEqual([]);
    // Every wait left an audit line saying why.
    expect((await store.queryAudit({ result: 'info' })).every((a) => /instance:zenml-metadata is busy; parked/.test(a.reason ?? ''))).toBe(true);
  });

  it('a long run keeps its lease with a heartbeat: a copy arriving after several TTLs does not take over', async () => {
    const ttl = deps.config.leaseTtlMs;
    behaviour = async () => { await clock.sleep(5 * ttl); return { status: 'succeeded' }; };
    const first = processMessage(flow, deps, undefined, message(request('req-long01')));
    await clock.sleep(3 * ttl);
    const [run] = await store.listRuns();
    expect(Date.parse(run!.leaseExpiresAt!)).toBeGreaterThan(clock.now().getTime());
    const copy = await processMessage(flow, deps, undefined, message(request('req-long01')));
    expect(copy).toMatchObject({ ack: true, outcome: 'queued' });
    expect(await first).toMatchObject({ status: 'succeeded' });
    expect(acts).toEqual(['req-long01']);
  });

  it('a crashed holder\'s run is resumed by the redelivery within one lease TTL, and finishes once', async () => {
    const ttl = deps.config.leaseTtlMs;
    const crashedAt = clock.now().getTime();
    // What a SIGKILLed instance leaves: its run `running` with a lease, the target lock held, no heartbeat.
    const { run } = await store.claim('provisioning:req-crash1', { id: 'run-crashed', flow: 'provisioning', target: 'workspace:team-alpha', status: 'running', attempts: 1, leaseExpiresAt: new Date(crashedAt + ttl).toISOString() });
    await store.updateRun(run.id, { steps: [{ name: 'create-database', status: 'succeeded', at: new Date(crashedAt).toISOString() }] });
    await store.acquireLease('instance:zenml-metadata', 'dead-process', ttl);
    const outcome = await processMessage(flow, deps, undefined, { ...message(request('req-crash1')), deliveryAttempt: 2 });
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', runId: 'run-crashed', status: 'succeeded' });
    const resumedAfter = clock.now().getTime() - crashedAt;
    expect(resumedAfter).toBeLessThanOrEqual(ttl + 2 * 2_000 + 1_000);
    expect(await store.getRun('run-crashed')).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(acts).toEqual(['req-crash1']);
  });

  it('a crashed holder\'s parked queue is handed over by the sweep once its lease ends', async () => {
    const ttl = deps.config.leaseTtlMs;
    await store.acquireLease('instance:zenml-metadata', 'dead-process', ttl);
    await store.park({ target: 'instance:zenml-metadata', key: 'provisioning:req-parked', flow: 'provisioning', topic: 'cp-provisioning-requests', reason: 'busy', raw: { data: Buffer.from(JSON.stringify(request('req-parked'))).toString('base64'), attributes: {} } });
    clock.advance(ttl + 1);
    // Any delivery (here: an unrelated duplicate-free one on another flow target) sweeps.
    await processMessage({ ...flow, lockTarget: () => 'elsewhere' }, deps, undefined, message(request('req-other1')));
    const handedOver = republished(publisher);
    expect(handedOver.map((m) => JSON.parse(m.data.toString()).requestId)).toEqual(['req-parked']);
    expect(handedOver[0]!.attributes[PARKED_AT_ATTRIBUTE]).toBe('2026-11-26T08:00:00.000Z');
  });

  it('the final delivery attempt acks with a dead letter that says what was left behind, instead of the DLQ topic', async () => {
    behaviour = async () => { throw new TransientError('503 from Cloud SQL', { where: 'create-user' }); };
    const outcome = await processMessage(flow, deps, undefined, { ...message(request('req-final1')), deliveryAttempt: 5 });
    expect(outcome).toMatchObject({ ack: true, outcome: 'processed', status: 'failed' });
    const [run] = await store.listRuns();
    expect(run).toMatchObject({ status: 'failed', result: { pendingCleanup: ['create-database'] }, error: { class: 'transient', message: 'gave up after 5 delivery attempts: 503 from Cloud SQL' } });
    expect((await store.listDeadLetters())[0]!.reason).toBe('gave up after 5 delivery attempts: 503 from Cloud SQL');
  });

  it('every nack leaves an audit record with its reason', async () => {
    behaviour = async () => { throw new TransientError('429 from Secret Manager'); };
    expect(await processMessage(flow, deps, undefined, message(request('req-nack01')))).toMatchObject({ ack: false });
    expect(await store.queryAudit({ result: 'failed' })).toEqual([expect.objectContaining({ reason: 'transient, will be redelivered: 429 from Secret Manager', details: expect.objectContaining({ nack: true }) })]);
  });

  it('a forged replay attribute is an ordinary duplicate: 20 forged copies give no second run', async () => {
    await processMessage(flow, deps, undefined, message(request('req-forge1')));
    const forged = Array.from({ length: 20 }, (_, i) => ({ ...message(request('req-forge1')), attributes: { [REPLAY_ATTRIBUTE]: `forged-${i}` } }));
    const outcomes = await Promise.all(forged.map((m) => processMessage(flow, deps, undefined, m)));
    expect(outcomes.every((o) => o.outcome === 'duplicate')).toBe(true);
    expect(acts).toEqual(['req-forge1']);
    expect(await store.listRuns()).toHaveLength(1);
    expect((await store.queryAudit({ result: 'info' }))[0]!.reason).toMatch(/stackctl-replay-of=forged-\d+ not honoured: no such dead letter/);
  });

  it('a replay attribute naming a real dead letter of another message is not honoured either', async () => {
    behaviour = async () => { throw new PermanentError('403', { code: 403 }); };
    await processMessage(flow, deps, undefined, message(request('req-dlsrc1')));
    const [dl] = await store.listDeadLetters();
    behaviour = async () => ({ status: 'succeeded' });
    await processMessage(flow, deps, undefined, message(request('req-victim')));
    const forged = { ...message(request('req-victim')), attributes: { [REPLAY_ATTRIBUTE]: dl!.id } };
    expect(await processMessage(flow, deps, undefined, forged)).toMatchObject({ outcome: 'duplicate' });
    expect(acts).toEqual(['req-dlsrc1', 'req-victim']);
  });

  it('a 5 MB payload leaves a bounded dead-letter record and the full message in the bucket, which replay reads', async () => {
    const huge = Buffer.from(JSON.stringify({ ...request('req-huge01'), junk: 'x'.repeat(5 * 1024 * 1024) }));
    const outcome = await processMessage(flow, deps, undefined, { ...message('{}'), data: huge, attributes: { origin: 'test' } });
    expect(outcome).toMatchObject({ ack: true, outcome: 'dead-lettered' });
    const [dl] = await store.listDeadLetters();
    expect(JSON.stringify(dl).length).toBeLessThan(deps.config.deadLetterInlineBytes);
    expect(dl!.payload).toMatchObject({ bytes: huge.length, uri: expect.stringMatching(/^gs:\/\/local-project-backups\/dead-letters\/provisioning\//) });
    const full = await fullDeadLetterMessage(dl!, objects as never);
    expect(full.data.equals(huge)).toBe(true);
    expect(full.attributes).toEqual({ origin: 'test' });
  });
});

