import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpRegistry } from '../../../../shared/adapters/gcp/registry.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { ArtifactRegistrySim } from '../../../../shared/local/gcp-sim/services/artifactregistry.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { compareWithFixture, loadFixture } from './wire-fixtures.ts';

describe('GcpRegistry wire format (fixture from the Artifact Registry v1 REST reference)', () => {
  let sim: GcpSim;
  let proxy: RecordingProxy;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 2000 });
    proxy = await startRecordingProxy(sim.url);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });

  it('sends the documented requests, and polls operations.get until done', async () => {
    const registry = new GcpRegistry({ projectId: 'wire-project', region: 'us-central1', simulatorUrl: proxy.url, simulatorAuth: localSimulatorAuth() }, clock);
    await registry.createRepository({ id: 'team-a', location: 'us-central1', format: 'DOCKER', labels: { team: 'a' }, description: 'Team A images' });
    await registry.getRepository('us-central1', 'team-a');
    await registry.listRepositories('us-central1');
    await registry.deleteRepository('us-central1', 'team-a');
    expect(compareWithFixture(loadFixture('artifactregistry/registry-adapter.json'), proxy.requests)).toEqual([]);
    expect(proxy.requests.filter((r) => r.path.includes('/operations/')).length).toBeGreaterThanOrEqual(2);
  });
});
