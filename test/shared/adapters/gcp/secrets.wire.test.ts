import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpSecrets } from '../../../../shared/adapters/gcp/secrets.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SecretManagerSim } from '../../../../shared/local/gcp-sim/services/secretmanager.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { compareWithFixture, loadFixture } from './wire-fixtures.ts';

describe('GcpSecrets wire format (fixture from the Secret Manager v1 REST reference)', () => {
  let sim: GcpSim;
  let proxy: RecordingProxy;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new SecretManagerSim()], clock });
    proxy = await startRecordingProxy(sim.url);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  it('sends exactly the documented method, path, query and body for every call', async () => {
    const secrets = new GcpSecrets({ projectId: 'wire-project', region: 'us-central1', simulatorUrl: proxy.url, simulatorAuth: localSimulatorAuth() }, clock);
    await secrets.createSecret('db-password', { team: 'a' });
    await secrets.getSecret('db-password');
    await secrets.addVersion('db-password', 'hunter2');
    await secrets.accessVersion('db-password');
    await secrets.listVersions('db-password');
    await secrets.disableVersion('db-password', '1');
    await secrets.enableVersion('db-password', '1');
    await secrets.destroyVersion('db-password', '1');
    await secrets.listSecrets();
    await secrets.deleteSecret('db-password');
    expect(compareWithFixture(loadFixture('secretmanager/secrets-adapter.json'), proxy.requests)).toEqual([]);
  });

  it('the comparison catches a drift in body, path or query', () => {
    const fixture = loadFixture('secretmanager/secrets-adapter.json');
    const recorded = structuredClone(proxy.requests);
    (recorded[2]!.body as { payload: { dataCrc32c: string } }).payload.dataCrc32c = '1';
    recorded[1]!.path = '/v1/projects/wire-project/secrets/other';
    recorded[0]!.query = { secretId: 'db-password' };
    const problems = compareWithFixture(fixture, recorded);
    expect(problems.some((p) => p.includes('body.payload.dataCrc32c'))).toBe(true);
    expect(problems.some((p) => p.includes('path /v1/projects/wire-project/secrets/other'))).toBe(true);
    expect(problems.some((p) => p.startsWith('createSecret') && p.includes('query'))).toBe(true);
  });
});
