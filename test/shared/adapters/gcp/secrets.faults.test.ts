import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { GcpSecrets } from '../../../../shared/adapters/gcp/secrets.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { isPermanent, isTransient } from '../../../../shared/runtime/errors.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { SecretManagerSim } from '../../../../shared/local/gcp-sim/services/secretmanager.ts';


describe('GcpSecrets error classification under fault injection', () => {
  let sim: GcpSim;
  let secrets: GcpSecrets;
  const clock = new VirtualClock();

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new SecretManagerSim()], clock });
    secrets = new GcpSecrets({ projectId: 'proj-f', region: 'europe-west1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }, clock);
    await secrets.createSecret('pw');
    await secrets.addVersion('pw', 'v1');
  });
  afterAll(async () => {
    await sim.close();
  });

  const methods: Array<{ id: string; call: () => Promise<unknown>; on404?: 'null' | 'ok' }> = [
    { id: 'secretmanager.projects.secrets.get', call: () => secrets.getSecret('pw'), on404: 'null' },
    { id: 'secretmanager.projects.secrets.create', call: () => secrets.createSecret('other') },
    { id: 'secretmanager.projects.secrets.list', call: () => secrets.listSecrets() },
    { id: 'secretmanager.projects.secrets.delete', call: () => secrets.deleteSecret('gone'), on404: 'ok' },
    { id: 'secretmanager.projects.secrets.addVersion', call: () => secrets.addVersion('pw', 'v2') },
    { id: 'secretmanager.projects.secrets.versions.access', call: () => secrets.accessVersion('pw') },
    { id: 'secretmanager.projects.secrets.versions.list', call: () => secrets.listVersions('pw') },
    { id: 'secretmanager.projects.secrets.versions.enable', call: () => secrets.enableVersion('pw', '1') },
    { id: 'secretmanager.projects.secrets.versions.disable', call: () => secrets.disableVersion('pw', '1') },
    { id: 'secretmanager.projects.secrets.versions.destroy', call: () => secrets.destroyVersion('pw', '1') },
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

  it('a genuine 409 ALREADY_EXISTS (not an operation in progress) is permanent', async () => {
    sim.faults.clear();
    const err = await secrets.createSecret('pw').then(() => undefined, (e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
  });
});
