import { startGcpSim } from './shared/local/gcp-sim/server.ts';
import { ArtifactRegistrySim } from './shared/local/gcp-sim/services/artifactregistry.ts';
import { GcpRegistry } from './shared/adapters/gcp/registry.ts';
import { VirtualClock } from './shared/adapters/local/virtual-clock.ts';
const clock = new VirtualClock();
const sim = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 3000 });
const s = new GcpRegistry({ projectId: 'p1', region: 'us-central1', simulatorUrl: sim.url }, clock);
console.log(await s.createRepository({ id: 'team-a', location: 'us-central1', format: 'DOCKER', labels: { team: 'a' }, description: 'A' }));
console.log(clock.now());
console.log(await s.getRepository('us-central1', 'nope'));
console.log(await s.listRepositories('us-central1'));
try { await s.createRepository({ id: 'team-a', location: 'us-central1', format: 'DOCKER', labels: {} }); } catch (e) { console.log(String(e)); }
await s.deleteRepository('us-central1', 'team-a');
console.log(await s.listRepositories('us-central1'), clock.now());
await s.deleteRepository('us-central1', 'team-a');
await sim.close();
