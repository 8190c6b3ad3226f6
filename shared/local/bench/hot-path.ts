/**
 * `hot-path.sequential` and `hot-path.concurrent`: the handler pipeline with the local stack's
 * real store and publisher (file SQLite, our Pub/Sub emulator over gRPC), against a loop doing
 * one durable write and one publish per event. The emulator runs in this (idle) process, each
 * side in its own, the sides interleaved. The pipeline runs as the local stack does: a delivery
 * answers once its status event is committed to the outbox, which publishes it right after; the
 * side's clock stops once every status event was published. `hot-path.sequential-awaited` is the
 * production setting, each delivery waiting for its publish before it answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../adapters/local/pubsub-options.ts';
import { TOPICS } from '../../events/topics.ts';
import { startPubsubEmulator } from '../pubsub/emulator.ts';
import { entry, median, runSide, type BenchEntry } from './entry.ts';

const PROJECT = 'bench-project';

export async function measureHotPath(options: { quick: boolean }): Promise<BenchEntry[]> {
  const events = options.quick ? 200 : 2_000;
  const rounds = options.quick ? 1 : 3;
  const emulator = await startPubsubEmulator({ port: 0 });
  const pubsub = new PubSub(emulatorPubsubOptions(PROJECT, emulator.host));
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-hot-path-'));
  try {
    await pubsub.createTopic(TOPICS.events);
    const out: BenchEntry[] = [];
    for (const mode of ['sequential', 'concurrent', 'sequential-awaited'] as const) {
      const sides = { pipeline: [] as number[], anchor: [] as number[] };
      for (let r = 0; r < rounds; r++) {
        for (const side of ['anchor', 'pipeline'] as const) {
          const args = ['--side', side, '--mode', mode, '--events', String(events), '--emulator', emulator.host, '--dir', dir, '--project', PROJECT];
          sides[side].push((await runSide<{ msPerEvent: number }>('./hot-path-process.ts', args)).msPerEvent);
        }
      }
      const value = median(sides.pipeline);
      out.push(entry(`hot-path.${mode}`, value, 'ms/event', 'one SQLite write + one publish per event', median(sides.anchor), {
        eventsPerSecond: Math.round(1000 / value), events, rounds, concurrency: mode === 'concurrent' ? 32 : 1,
        statusEvents: mode === 'sequential-awaited' ? 'published before each answer' : 'published from the outbox after the answer; clock stops when all are out',
      }));
    }
    return out;
  } finally {
    await pubsub.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
