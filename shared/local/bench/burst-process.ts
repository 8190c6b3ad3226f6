/**
 * One burst, in its own process: a fresh local stack (scaled clock), N workspace requests for
 * one Cloud SQL instance published at once with the real client, then waits until every run is
 * terminal. Prints {n, wallMs, virtualMs, succeeded, deadLetters}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ScaledClock } from '../../adapters/local/virtual-clock.ts';
import { TOPICS } from '../../events/topics.ts';
import { startStack } from '../stack/stack.ts';

const { values } = parseArgs({ options: { n: { type: 'string' }, speed: { type: 'string' }, 'timeout-ms': { type: 'string' } } });
const n = Number(values.n);
if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer, got ${String(values.n)}`);
const speed = Number(values.speed ?? 100);
const timeoutMs = Number(values['timeout-ms'] ?? 240_000);
const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-burst-'));
const clock = new ScaledClock(speed);
const stack = await startStack({ dataDir, clock, logLevel: 'silent' });
try {
  const topic = stack.pubsub.topic(TOPICS.provisioning);
  const started = { wall: performance.now(), virtual: clock.now().getTime() };
  await Promise.all(Array.from({ length: n }, (_, i) => topic.publishMessage({
    json: { apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: `burst-${i}`, action: 'create', workspace: `burst-${i}`, environment: 'dev', requestedBy: 'bench@example.com' },
  })));
  const store = stack.container.deps.store;
  const terminal = new Set(['succeeded', 'failed']);
  let runs = await store.listRuns({ flow: 'provisioning', limit: 10_000 });
  while (runs.filter((r) => terminal.has(r.status)).length < n) {
    if (performance.now() - started.wall > timeoutMs) {
      throw new Error(`burst of ${n}: ${runs.filter((r) => terminal.has(r.status)).length} runs finished within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
    runs = await store.listRuns({ flow: 'provisioning', limit: 10_000 });
  }
  const wallMs = performance.now() - started.wall;
  const virtualMs = clock.now().getTime() - started.virtual;
  const deadLetters = (await store.listDeadLetters({ includeReplayed: true, limit: 10_000 })).length;
  process.stdout.write(`${JSON.stringify({ n, wallMs, virtualMs, succeeded: runs.filter((r) => r.status === 'succeeded').length, deadLetters })}\n`);
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
