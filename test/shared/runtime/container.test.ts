/**
 * The composition root builds only what production has; what a local run has (SQLite, its clock, the
 * simulator auth) comes in as overrides and reaches the flows' adapters through `env`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../shared/adapters/local/local-auth.ts';
import { openSqliteStateStore } from '../../../shared/adapters/local/sqlite-state-store.ts';
import { VirtualClock } from '../../../shared/adapters/local/virtual-clock.ts';
import { backupsFlow } from '../../../shared/flows/backups/flow.ts';
import { buildContainer, getContainer, useContainer } from '../../../shared/runtime/container.ts';
import { loadConfig } from '../../../shared/runtime/config.ts';
import { pubsubHttpFunction } from '../../../shared/runtime/http-function.ts';
import { systemClock } from '../../../shared/runtime/system-clock.ts';
import { RecordingPublisher } from '../../support/fakes.ts';

afterEach(() => useContainer(undefined));

describe('buildContainer', () => {
  it('refuses the SQLite store unless it is injected: the deployed code has none', async () => {
    await expect(buildContainer({ config: loadConfig({ LOG_LEVEL: 'silent' }), publisher: new RecordingPublisher() }))
      .rejects.toThrow(/STACKCTL_STATE_STORE=sqlite is local-only: the local stack injects that store/);
  });

  it('passes the injected store, clock and simulator auth to the flows, and defaults to the system clock', async () => {
    const clock = new VirtualClock();
    const store = openSqliteStateStore(':memory:', { clock });
    const auth = localSimulatorAuth();
    const config = loadConfig({ LOG_LEVEL: 'silent', STACKCTL_GCP_SIM_URL: 'http://127.0.0.1:9' });
    const container = await buildContainer({ config, clock, store, publisher: new RecordingPublisher(), simulatorAuth: auth });
    expect(container.deps.store).toBe(store);
    expect(container.env).toMatchObject({ clock, config, endpoint: { simulatorUrl: 'http://127.0.0.1:9', simulatorAuth: auth, projectId: 'local-project' } });
    await container.close();
    const plain = await buildContainer({ config: loadConfig({ LOG_LEVEL: 'silent' }), store: openSqliteStateStore(':memory:'), publisher: new RecordingPublisher() });
    expect(plain.deps.clock).toBe(systemClock);
    expect(plain.env.endpoint.simulatorAuth).toBeUndefined();
    await plain.close();
  });

  it('a failed build does not stick: the next getContainer tries again', async () => {
    const first = getContainer();
    await expect(first).rejects.toThrow(/local-only/);
    expect(getContainer()).not.toBe(first);
    await expect(getContainer()).rejects.toThrow(/local-only/);
  });
});

describe('pubsubHttpFunction', () => {
  it('loads a flow\'s deps once per container, through its declaration', async () => {
    let loads = 0;
    // The backups declaration with stand-in deps and act: what is under test is the loading.
    const flow = { ...backupsFlow, loadDeps: async () => { loads++; return {} as never; }, act: async () => ({ status: 'accepted' as const }) };
    const store = openSqliteStateStore(':memory:');
    useContainer(await buildContainer({ config: loadConfig({ LOG_LEVEL: 'silent' }), store, publisher: new RecordingPublisher() }));
    const fn = pubsubHttpFunction(flow);
    const answers: number[] = [];
    const res = { status: (code: number) => { answers.push(code); return { json: () => undefined }; } };
    const body = (job: string) => ({ message: { data: Buffer.from(JSON.stringify({ apiVersion: 'stackctl/v1', kind: 'BackupJob', job, task: 'backup', instance: 'zenml-metadata' })).toString('base64'), messageId: job, publishTime: '2026-11-02T08:00:00Z', attributes: {} } });
    for (const job of ['a-job', 'b-job']) await fn({ headers: {}, body: body(job) } as never, res as never);
    expect(answers).toEqual([200, 200]);
    expect(loads).toBe(1);
    expect((await store.listRuns({ flow: 'backups' })).map((r) => r.status)).toEqual(['accepted', 'accepted']);
    await store.close();
  });

  it('starts loading the publisher once the first delivery is answered, not before it', async () => {
    const events: string[] = [];
    const flow = { ...backupsFlow, loadDeps: async () => ({}) as never, act: async () => ({ status: 'accepted' as const }) };
    const store = openSqliteStateStore(':memory:');
    const publisher = Object.assign(new RecordingPublisher(), { start: () => events.push('publisher.start') });
    useContainer(await buildContainer({ config: loadConfig({ LOG_LEVEL: 'silent' }), store, publisher }));
    const fn = pubsubHttpFunction(flow);
    const res = { status: (code: number) => ({ json: () => events.push(`answered ${code}`) }) };
    const body = { message: { data: Buffer.from(JSON.stringify({ apiVersion: 'stackctl/v1', kind: 'BackupJob', job: 'c-job', task: 'backup', instance: 'zenml-metadata' })).toString('base64'), messageId: 'c-job', publishTime: '2026-11-02T08:00:00Z', attributes: {} } };
    await fn({ headers: {}, body } as never, res as never);
    expect(events).toEqual(['answered 200', 'publisher.start']);
    await store.close();
  });
});

