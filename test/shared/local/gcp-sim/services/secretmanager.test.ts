import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../../shared/adapters/local/local-auth.ts';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { crc32c } from '../../../../../shared/adapters/gcp/secrets/crc32c.ts';
import { gaxClientOptions } from '../../../../../shared/adapters/gcp/common/endpoint.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { SecretManagerSim } from '../../../../../shared/local/gcp-sim/services/secretmanager.ts';

describe('gcp-sim Secret Manager v1 (REST)', () => {
  let sim: GcpSim;
  const clock = new VirtualClock('2026-02-01T10:00:00Z');
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  async function call(method: string, path: string, body?: unknown, token = 'any-token') {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  }
  const create = (id: string, body: unknown = { replication: { automatic: {} } }) => call('POST', `/v1/projects/p1/secrets?secretId=${id}`, body);
  const addVersion = (id: string, data: string, dataCrc32c?: string) => call('POST', `/v1/projects/p1/secrets/${id}:addVersion`, { payload: { data: b64(data), ...(dataCrc32c ? { dataCrc32c } : {}) } });

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new SecretManagerSim()], clock });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<SecretManagerSim>('secretmanager').restore({ secrets: [] });
  });

  it('requires a bearer token', async () => {
    expect((await call('GET', '/v1/projects/p1/secrets', undefined, '')).status).toBe(401);
  });

  it('creates a secret and returns the Secret resource; validates id, replication and labels', async () => {
    const res = await create('db-pass', { replication: { automatic: {} }, labels: { team: 'a' } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: 'projects/p1/secrets/db-pass', replication: { automatic: {} }, labels: { team: 'a' }, createTime: '2026-02-01T10:00:00.000Z' });
    expect(res.json.etag).toMatch(/^".+"$/);
    expect((await call('POST', '/v1/projects/p1/secrets', { replication: { automatic: {} } })).json.error.message).toContain('secret_id');
    expect((await create('bad id!')).json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect((await create('no-replication', {})).json.error.message).toContain('replication');
    expect((await create('bad-labels', { replication: { automatic: {} }, labels: { Team: 'x' } })).json.error.message).toContain('Invalid label key [Team]');
    const dup = await create('db-pass');
    expect(dup.status).toBe(409);
    expect(dup.json.error).toEqual({ code: 409, message: 'Secret [projects/p1/secrets/db-pass] already exists.', status: 'ALREADY_EXISTS' });
  });

  it('gets, lists with pagination and deletes; a missing secret is 404 with the real text', async () => {
    for (const id of ['s1', 's2', 's3', 's4', 's5']) await create(id);
    expect((await call('GET', '/v1/projects/p1/secrets/s3')).json.name).toBe('projects/p1/secrets/s3');
    const page1 = await call('GET', '/v1/projects/p1/secrets?pageSize=2');
    expect(page1.json.secrets.map((s: any) => s.name)).toEqual(['projects/p1/secrets/s1', 'projects/p1/secrets/s2']);
    expect(page1.json.totalSize).toBe(5);
    const page2 = await call('GET', `/v1/projects/p1/secrets?pageSize=2&pageToken=${page1.json.nextPageToken}`);
    const page3 = await call('GET', `/v1/projects/p1/secrets?pageSize=2&pageToken=${page2.json.nextPageToken}`);
    expect(page3.json.secrets.map((s: any) => s.name)).toEqual(['projects/p1/secrets/s5']);
    expect(page3.json.nextPageToken).toBeUndefined();
    expect((await call('GET', '/v1/projects/other/secrets')).json).toEqual({ totalSize: 0 });
    expect((await call('DELETE', '/v1/projects/p1/secrets/s3')).json).toEqual({});
    const missing = await call('GET', '/v1/projects/p1/secrets/s3');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toEqual({ code: 404, message: 'Secret [projects/p1/secrets/s3] not found.', status: 'NOT_FOUND' });
  });

  it('refuses a delete whose etag is stale', async () => {
    await create('s1');
    const res = await call('DELETE', '/v1/projects/p1/secrets/s1?etag=%22stale%22');
    expect(res.json.error.status).toBe('FAILED_PRECONDITION');
  });

  it('adds versions, verifying dataCrc32c when sent and computing it otherwise', async () => {
    await create('pw');
    const good = await addVersion('pw', 'hunter2', String(crc32c(Buffer.from('hunter2'))));
    expect(good.json).toMatchObject({ name: 'projects/p1/secrets/pw/versions/1', state: 'ENABLED', clientSpecifiedPayloadChecksum: true, replicationStatus: { automatic: {} } });
    const bad = await addVersion('pw', 'hunter2', '42');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('data_crc32c');
    const unchecked = await addVersion('pw', 'second');
    expect(unchecked.json).toMatchObject({ name: 'projects/p1/secrets/pw/versions/2', clientSpecifiedPayloadChecksum: false });
    const access = await call('GET', '/v1/projects/p1/secrets/pw/versions/latest:access');
    expect(access.json).toEqual({ name: 'projects/p1/secrets/pw/versions/2', payload: { data: b64('second'), dataCrc32c: String(crc32c(Buffer.from('second'))) } });
    expect((await call('POST', '/v1/projects/p1/secrets/pw:addVersion', { payload: { data: 'not base64!' } })).json.error.message).toContain('payload.data');
    expect((await call('POST', '/v1/projects/p1/secrets/pw:addVersion', {})).json.error.message).toContain('payload');
    expect((await call('POST', '/v1/projects/p1/secrets/nope:addVersion', { payload: { data: b64('x') } })).status).toBe(404);
  });

  it('answers latest on a secret without versions with 404 "not found or has no versions."', async () => {
    await create('empty');
    const res = await call('GET', '/v1/projects/p1/secrets/empty/versions/latest:access');
    expect(res.status).toBe(404);
    expect(res.json.error.message).toBe('Secret [projects/p1/secrets/empty] not found or has no versions.');
    expect((await call('GET', '/v1/projects/p1/secrets/empty/versions/7')).json.error.message).toBe('Secret Version [projects/p1/secrets/empty/versions/7] not found.');
  });

  it('moves versions through disable, enable and destroy with the documented rules', async () => {
    await create('pw');
    await addVersion('pw', 'one');
    await addVersion('pw', 'two');
    expect((await call('POST', '/v1/projects/p1/secrets/pw/versions/2:disable', {})).json.state).toBe('DISABLED');
    const latest = await call('GET', '/v1/projects/p1/secrets/pw/versions/latest:access');
    expect(latest.status).toBe(400);
    expect(latest.json.error).toEqual({ code: 400, message: 'Secret Version [projects/p1/secrets/pw/versions/2] is in DISABLED state.', status: 'FAILED_PRECONDITION' });
    expect((await call('POST', '/v1/projects/p1/secrets/pw/versions/2:enable', {})).json.state).toBe('ENABLED');
    clock.advance(60_000);
    const destroyed = await call('POST', '/v1/projects/p1/secrets/pw/versions/1:destroy', {});
    expect(destroyed.json).toMatchObject({ state: 'DESTROYED', destroyTime: '2026-02-01T10:01:00.000Z' });
    expect((await call('POST', '/v1/projects/p1/secrets/pw/versions/1:enable', {})).json.error.message).toContain('is in DESTROYED state.');
    expect(JSON.stringify(sim.state())).not.toContain(b64('one'));
    const listed = await call('GET', '/v1/projects/p1/secrets/pw/versions');
    expect(listed.json.versions.map((v: any) => [v.name.split('/').pop(), v.state])).toEqual([['2', 'ENABLED'], ['1', 'DESTROYED']]);
    const enabledOnly = await call('GET', '/v1/projects/p1/secrets/pw/versions?filter=state:ENABLED');
    expect(enabledOnly.json.versions.map((v: any) => v.name.split('/').pop())).toEqual(['2']);
    expect((await call('GET', '/v1/projects/p1/secrets/pw/versions?filter=name:x')).status).toBe(400);
  });

  it('answers enums as integers when asked with $alt=json;enum-encoding=int', async () => {
    await create('pw');
    await addVersion('pw', 'x');
    const asInt = await call('GET', `/v1/projects/p1/secrets/pw/versions/1?${new URLSearchParams({ $alt: 'json;enum-encoding=int' })}`);
    expect(asInt.json.state).toBe(1);
    expect((await call('GET', '/v1/projects/p1/secrets/pw/versions/1')).json.state).toBe('ENABLED');
  });

  it('serves regional secrets under projects/{p}/locations/{l} as a separate namespace', async () => {
    const res = await call('POST', '/v1/projects/p1/locations/europe-west1/secrets?secretId=pw', {});
    expect(res.json.name).toBe('projects/p1/locations/europe-west1/secrets/pw');
    await call('POST', '/v1/projects/p1/locations/europe-west1/secrets/pw:addVersion', { payload: { data: b64('eu') } });
    expect((await call('GET', '/v1/projects/p1/locations/europe-west1/secrets/pw/versions/1:access')).json.payload.data).toBe(b64('eu'));
    expect((await call('GET', '/v1/projects/p1/secrets/pw')).status).toBe(404);
    expect((await call('GET', '/v1/projects/p1/secrets')).json.totalSize).toBe(0);
  });

  it('pages through the real client with pageSize', async () => {
    for (let i = 0; i < 7; i++) await create(`page-${i}`);
    const client = new SecretManagerServiceClient(gaxClientOptions({ projectId: 'p1', region: 'r', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }) as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
    const names: string[] = [];
    for await (const s of client.listSecretsAsync({ parent: 'projects/p1', pageSize: 3 })) names.push(s.name!);
    expect(names).toHaveLength(7);
    await client.close();
  });

  it('patches labels and annotations named by update_mask through the real client; other paths answer 501 or 400', async () => {
    await create('patched', { replication: { automatic: {} }, labels: { a: '1' } });
    const client = new SecretManagerServiceClient(gaxClientOptions({ projectId: 'p1', region: 'r', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }) as ConstructorParameters<typeof SecretManagerServiceClient>[0]);
    try {
      const name = 'projects/p1/secrets/patched';
      const [updated] = await client.updateSecret({ secret: { name, labels: { b: '2' }, annotations: { note: 'x' } }, updateMask: { paths: ['labels', 'annotations'] } });
      expect(updated.labels).toEqual({ b: '2' });
      expect(updated.annotations).toEqual({ note: 'x' });
      const [labelsOnly] = await client.updateSecret({ secret: { name, labels: {}, annotations: { ignored: 'y' } }, updateMask: { paths: ['labels'] } });
      expect(labelsOnly.labels ?? {}).toEqual({});
      expect(labelsOnly.annotations).toEqual({ note: 'x' });
      await expect(client.updateSecret({ secret: { name, versionAliases: { current: 1 } }, updateMask: { paths: ['version_aliases'] } }))
        .rejects.toMatchObject({ message: expect.stringContaining('versionAliases') });
      await expect(client.updateSecret({ secret: { name, rotation: {} }, updateMask: { paths: ['rotation'] } }))
        .rejects.toMatchObject({ message: expect.stringContaining('"rotation"') });
      await expect(client.updateSecret({ secret: { name }, updateMask: { paths: ['replication'] } }))
        .rejects.toMatchObject({ message: expect.stringContaining('cannot be updated') });
    } finally {
      await client.close();
    }
    expect((await call('PATCH', '/v1/projects/p1/secrets/patched', { labels: { c: '3' } })).status).toBe(400);
  });

  it('snapshots, restores and summarises its state', async () => {
    await create('pw');
    await addVersion('pw', 'x');
    const sm = sim.service<SecretManagerSim>('secretmanager');
    const snap = sm.snapshot();
    expect(sm.summary()).toEqual({ secrets: 1, versions: 1 });
    sm.restore({ secrets: [] });
    expect(sm.summary()).toEqual({ secrets: 0, versions: 0 });
    sm.restore(snap);
    expect(sm.payload('projects/p1/secrets/pw')?.toString()).toBe('x');
    expect(() => sm.restore({})).toThrow(/expected \{secrets/);
  });
});
