import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpRegistry } from '../../../../shared/adapters/gcp/registry.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { ArtifactRegistrySim } from '../../../../shared/local/gcp-sim/services/artifactregistry.ts';


describe('GcpRegistry error classification under fault injection', () => {
  let sim: GcpSim;
  let registry: GcpRegistry;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 1000 });
    registry = new GcpRegistry({ projectId: 'proj-f', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    sim.faults.clear();
    sim.service<ArtifactRegistrySim>('artifactregistry').restore({ repositories: [], operations: [] });
    await registry.createRepository({ id: 'existing', location: 'europe-west1', format: 'DOCKER', labels: {} });
  });

  const methods: Array<{ id: string; call: () => Promise<unknown>; on404?: 'null' | 'ok' }> = [
    { id: 'artifactregistry.projects.locations.repositories.get', call: () => registry.getRepository('europe-west1', 'existing'), on404: 'null' },
    { id: 'artifactregistry.projects.locations.repositories.list', call: () => registry.listRepositories('europe-west1') },
    { id: 'artifactregistry.projects.locations.repositories.create', call: () => registry.createRepository({ id: 'fresh', location: 'europe-west1', format: 'DOCKER', labels: {} }) },
    { id: 'artifactregistry.projects.locations.repositories.delete', call: () => registry.deleteRepository('europe-west1', 'existing'), on404: 'ok' },
    // A failure while polling the operation, for both long-running methods.
    { id: 'artifactregistry.projects.locations.operations.get', call: () => registry.createRepository({ id: `poll-${Math.random().toString(36).slice(2, 8)}`, location: 'europe-west1', format: 'DOCKER', labels: {} }) },
  ];

  async function outcome(id: string, code: 400 | 403 | 404 | 409 | 429 | 500 | 503, call: () => Promise<unknown>) {
    sim.faults.clear();
    sim.faults.add({ method: id, code, times: 1 });
    try {
      return { value: await call() };
    } catch (err) {
      return { err };
    } finally {
      expect(sim.faults.list()).toEqual([]); // the fault was really hit
    }
  }

  for (const m of methods) {
    it(`${m.id}: 409 in progress, 429, 500 and 503 are transient`, async () => {
      for (const code of [409, 429, 500, 503] as const) {
        const { err } = await outcome(m.id, code, m.call);
        expect(isTransient(err), `code ${code}: ${String(err)}`).toBe(true);
        expect((err as { code?: unknown }).code).toBe(code);
      }
    });

    it(`${m.id}: 400, 403 and 404 are permanent${m.on404 ? ` (404 is ${m.on404 === 'null' ? 'null' : 'already deleted'})` : ''}`, async () => {
      for (const code of [400, 403, 404] as const) {
        const result = await outcome(m.id, code, m.call);
        if (code === 404 && m.on404) {
          expect(result.err).toBeUndefined();
          if (m.on404 === 'null') expect(result.value).toBeNull();
          continue;
        }
        expect(isPermanent(result.err), `code ${code}: ${String(result.err)}`).toBe(true);
        expect((result.err as Error).message).toContain(`Injected fault on ${m.id}`);
      }
    });
  }
});
