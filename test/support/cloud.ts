/**
 * An in-process simulated cloud for flow tests: gcp-sim with the default services on a free
 * loopback port, the production adapters pointed at it, a SQLite state store in memory and a
 * recording publisher, all on one VirtualClock so operations finish in virtual time.
 */
import { VirtualClock } from '../../shared/adapters/local/virtual-clock.ts';
import { openSqliteStateStore } from '../../shared/adapters/local/sqlite-state-store.ts';
import { createDefaultSimServices } from '../../shared/local/gcp-sim/default-services.ts';
import { startGcpSim, type GcpSim } from '../../shared/local/gcp-sim/server.ts';
import { seedLocalCloud } from '../../shared/local/stack/seed.ts';
import type { StateStore } from '../../shared/ports/state-store.ts';
import type { Config } from '../../shared/runtime/config.ts';
import type { RuntimeDeps } from '../../shared/runtime/flow.ts';
import { provisioningDeps } from '../../shared/runtime/adapters/provisioning.ts';
import { localEndpoint } from '../../shared/local/stack/local-endpoint.ts';
import type { ProvisioningDeps } from '../../shared/flows/provisioning/deps.ts';
import { memoryLogger, RecordingPublisher, testConfig } from './fakes.ts';

export interface TestCloud {
  sim: GcpSim;
  clock: VirtualClock;
  config: Config;
  store: StateStore;
  publisher: RecordingPublisher;
  deps: RuntimeDeps;
  provisioning: ProvisioningDeps;
  close(): Promise<void>;
}

export async function startTestCloud(options: { operationDurationMs?: number } = {}): Promise<TestCloud> {
  const clock = new VirtualClock('2026-11-26T08:00:00Z');
  const sim = await startGcpSim({ port: 0, clock, operationDurationMs: options.operationDurationMs ?? 2000, services: createDefaultSimServices({ projectId: 'local-project', clock }) });
  const config = testConfig({ STACKCTL_GCP_SIM_URL: sim.url });
  await seedLocalCloud(config, clock);
  const store = openSqliteStateStore(':memory:', { clock });
  const publisher = new RecordingPublisher();
  const deps: RuntimeDeps = { config, store, publisher, clock, logger: memoryLogger('silent').logger };
  return {
    sim, clock, config, store, publisher, deps, provisioning: provisioningDeps(localEndpoint(config), clock),
    close: async () => {
      await store.close();
      await sim.close();
    },
  };
}
