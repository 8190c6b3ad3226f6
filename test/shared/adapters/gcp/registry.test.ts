import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpRegistry } from '../../../../shared/adapters/gcp/registry.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { ArtifactRegistrySim } from '../../../../shared/local/gcp-sim/services/artifactregistry.ts';

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

describe('GcpRegistry against gcp-sim through @google-cloud/artifact-registry', () => {
  let sim: GcpSim;
  let registry: GcpRegistry;
  const clock = new VirtualClock('2026-03-01T00:00:00Z');

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 5000 });
    registry = new GcpRegistry({ projectId: 'proj-a', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<ArtifactRegistrySim>('artifactregistry').restore({ repositories: [], operations: [] });
    sim.faults.clear();
  });

  it('creates a repository and waits for the operation in simulated time', async () => {
    const start = clock.now().getTime();
    const repo = await registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', description: 'Team A images', labels: { team: 'team-a' } });
    expect(repo).toEqual({
      name: 'projects/proj-a/locations/europe-west1/repositories/team-a', id: 'team-a', location: 'europe-west1', format: 'DOCKER',
      description: 'Team A images', labels: { team: 'team-a' }, createTime: new Date(start),
    });
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(5000);
    expect(await registry.getRepository('europe-west1', 'team-a')).toEqual(repo);
  });

  it('gets null for a missing repository and lists per location', async () => {
    expect(await registry.getRepository('europe-west1', 'nope')).toBeNull();
    await registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} });
    await registry.createRepository({ id: 'team-b', location: 'europe-west1', format: 'DOCKER', labels: {} });
    await registry.createRepository({ id: 'team-c', location: 'us-central1', format: 'DOCKER', labels: {} });
    expect((await registry.listRepositories('europe-west1')).map((r) => r.id)).toEqual(['team-a', 'team-b']);
    expect((await registry.listRepositories('us-central1')).map((r) => r.id)).toEqual(['team-c']);
  });

  it('deletes through the operation; deleting again is a no-op', async () => {
    await registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} });
    await registry.deleteRepository('europe-west1', 'team-a');
    expect(await registry.getRepository('europe-west1', 'team-a')).toBeNull();
    await expect(registry.deleteRepository('europe-west1', 'team-a')).resolves.toBeUndefined();
  });

  it('refuses a duplicate repository as a permanent error', async () => {
    await registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} });
    const err = await failure(registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} }));
    expect(isPermanent(err)).toBe(true);
    expect(err.message).toContain('the repository already exists');
  });

  it('classifies an operation that ends in error by its status code', async () => {
    const ar = sim.service<ArtifactRegistrySim>('artifactregistry');
    ar.failNextOperation({ code: 9, message: 'Repository cannot be created in this location.' });
    const precondition = await failure(registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} }));
    expect(isPermanent(precondition)).toBe(true);
    expect(precondition.message).toContain('Repository cannot be created in this location.');
    expect(await registry.getRepository('europe-west1', 'team-a')).toBeNull();
    ar.failNextOperation({ code: 13, message: 'Internal error encountered.' });
    const internal = await failure(registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} }));
    expect(isTransient(internal)).toBe(true);
    await registry.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} });
    ar.failNextOperation({ code: 14, message: 'Backend unavailable.' });
    expect(isTransient(await failure(registry.deleteRepository('europe-west1', 'team-a')))).toBe(true);
    expect(await registry.getRepository('europe-west1', 'team-a')).not.toBeNull();
  });

  it('gives up waiting after the bounded timeout with a transient error', async () => {
    const slow = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 3_600_000 });
    try {
      const impatient = new GcpRegistry({ projectId: 'proj-a', region: 'europe-west1', simulatorUrl: slow.url, simulatorAuth: localSimulatorAuth() }, clock, { wait: { timeoutMs: 60_000 } });
      const err = await failure(impatient.createRepository({ id: 'team-a', location: 'europe-west1', format: 'DOCKER', labels: {} }));
      expect(isTransient(err)).toBe(true);
      expect(err.message).toContain('operation still not done after 60000 ms');
    } finally {
      await slow.close();
    }
  });

  it('rejects a bad repository id or location before calling the API', async () => {
    expect((await failure(registry.createRepository({ id: 'Team_A', location: 'europe-west1', format: 'DOCKER', labels: {} }))).message).toContain('repository id "Team_A" is invalid');
    expect((await failure(registry.listRepositories('Europe West'))).message).toContain('location "Europe West" is invalid');
    expect(sim.summary().artifactregistry).toMatchObject({ operations: 0 });
  });
});

describe('GcpRegistry configuration', () => {
  it('refuses a non-loopback simulator URL when constructed', () => {
    expect(() => new GcpRegistry({ projectId: 'p', region: 'r', simulatorUrl: 'http://192.168.1.2:80', simulatorAuth: localSimulatorAuth() }, new VirtualClock())).toThrow('simulatorUrl must be a loopback address');
  });
});
