import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpSecrets } from '../../../../shared/adapters/gcp/secrets.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SecretManagerSim } from '../../../../shared/local/gcp-sim/services/secretmanager.ts';
import type { SecretManagerState } from '../../../../shared/local/gcp-sim/services/secretmanager/model.ts';

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

describe('GcpSecrets against gcp-sim through @google-cloud/secret-manager', () => {
  let sim: GcpSim;
  let secrets: GcpSecrets;
  const clock = new VirtualClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new SecretManagerSim()], clock });
    secrets = new GcpSecrets({ projectId: 'proj-a', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<SecretManagerSim>('secretmanager').restore({ secrets: [] });
    sim.faults.clear();
  });

  it('creates, gets, lists and deletes secrets; a missing secret is null', async () => {
    const created = await secrets.createSecret('ws-team-a-db', { team: 'team-a', managed_by: 'stack-control-plane' });
    expect(created).toEqual({ id: 'ws-team-a-db', labels: { team: 'team-a', managed_by: 'stack-control-plane' }, createTime: new Date('2026-03-01T00:00:00Z') });
    expect(await secrets.getSecret('ws-team-a-db')).toEqual(created);
    expect(await secrets.getSecret('nope')).toBeNull();
    await secrets.createSecret('ws-team-b-db');
    expect((await secrets.listSecrets()).map((s) => s.id).sort()).toEqual(['ws-team-a-db', 'ws-team-b-db']);
    await secrets.deleteSecret('ws-team-a-db');
    expect(await secrets.getSecret('ws-team-a-db')).toBeNull();
    expect((await secrets.listSecrets()).map((s) => s.id)).toEqual(['ws-team-b-db']);
    await expect(secrets.deleteSecret('ws-team-a-db')).resolves.toBeUndefined();
  });

  it('refuses a duplicate secret as a permanent error that names it', async () => {
    await secrets.createSecret('dup');
    const err = await failure(secrets.createSecret('dup'));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain('Secret [projects/proj-a/secrets/dup] already exists.');
  });

  it('adds versions and reads them back byte for byte, by number and as latest', async () => {
    await secrets.createSecret('pw');
    const v1 = await secrets.addVersion('pw', 'first');
    const binary = Buffer.from([0, 255, 1, 254, 10, 13]);
    const v2 = await secrets.addVersion('pw', binary);
    expect(v1).toMatchObject({ secretId: 'pw', version: '1', state: 'ENABLED' });
    expect(v2.version).toBe('2');
    expect((await secrets.accessVersion('pw', '1')).toString()).toBe('first');
    expect(await secrets.accessVersion('pw')).toEqual(binary);
    expect(await secrets.accessVersion('pw', 'latest')).toEqual(binary);
  });

  it('lists versions newest first with their states through disable, enable and destroy', async () => {
    await secrets.createSecret('pw');
    await secrets.addVersion('pw', 'one');
    await secrets.addVersion('pw', 'two');
    await secrets.addVersion('pw', 'three');
    await secrets.disableVersion('pw', '2');
    await secrets.destroyVersion('pw', '1');
    expect((await secrets.listVersions('pw')).map((v) => [v.version, v.state])).toEqual([['3', 'ENABLED'], ['2', 'DISABLED'], ['1', 'DESTROYED']]);
    await secrets.enableVersion('pw', '2');
    expect((await secrets.accessVersion('pw', '2')).toString()).toBe('two');
  });

  it('follows the documented latest alias: the newest version, so a disabled newest version fails', async () => {
    await secrets.createSecret('pw');
    await secrets.addVersion('pw', 'old');
    await secrets.addVersion('pw', 'new');
    await secrets.disableVersion('pw', '2');
    const err = await failure(secrets.accessVersion('pw'));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain('Secret Version [projects/proj-a/secrets/pw/versions/2] is in DISABLED state.');
    expect((await secrets.accessVersion('pw', '1')).toString()).toBe('old');
  });

  it('destroying is terminal: the payload is gone and enabling is refused', async () => {
    await secrets.createSecret('pw');
    await secrets.addVersion('pw', 'secret');
    await secrets.destroyVersion('pw', '1');
    expect((await failure(secrets.accessVersion('pw', '1'))).message).toContain('is in DESTROYED state');
    const err = await failure(secrets.enableVersion('pw', '1'));
    expect(isPermanent(err)).toBe(true);
    expect(JSON.stringify(sim.state())).not.toContain(Buffer.from('secret').toString('base64'));
  });

  it('reports a secret with no versions with the real 404 text', async () => {
    await secrets.createSecret('empty');
    const err = await failure(secrets.accessVersion('empty'));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain('Secret [projects/proj-a/secrets/empty] not found or has no versions.');
  });

  it('detects a payload whose CRC32C does not match dataCrc32c and treats it as transient', async () => {
    await secrets.createSecret('pw');
    await secrets.addVersion('pw', 'value');
    const sm = sim.service<SecretManagerSim>('secretmanager');
    const state = sm.snapshot() as SecretManagerState;
    state.secrets[0]!.versions[0]!.dataCrc32c = '12345';
    sm.restore(state);
    const err = await failure(secrets.accessVersion('pw'));
    expect(isTransient(err)).toBe(true);
    expect(err.message).toMatch(/CRC32C \d+ does not match dataCrc32c 12345/);
  });

  it('rejects bad ids before calling the API, saying which argument was wrong', async () => {
    const before = sim.summary().secretmanager;
    const badId = await failure(secrets.createSecret('has space'));
    expect(isPermanent(badId)).toBe(true);
    expect(badId.message).toContain('secret id "has space" is invalid');
    const badVersion = await failure(secrets.accessVersion('pw', 'newest'));
    expect(badVersion.message).toContain('secret version "newest" is invalid');
    expect(sim.summary().secretmanager).toEqual(before);
  });

  it('creates the client once, on first use', async () => {
    const fresh = new GcpSecrets({ projectId: 'proj-a', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock);
    const client = (fresh as unknown as { client: () => Promise<unknown> }).client;
    expect(client()).toBe(client());
    await fresh.listSecrets();
    expect(await client()).toBe(await client());
  });
});

describe('GcpSecrets configuration', () => {
  it('refuses a non-loopback simulator URL when constructed', () => {
    expect(() => new GcpSecrets({ projectId: 'p', region: 'r', simulatorUrl: 'http://10.0.0.1:8080', simulatorAuth: localSimulatorAuth() }, new VirtualClock())).toThrow('simulatorUrl must be a loopback address');
  });
});
