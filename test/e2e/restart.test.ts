/**
 * Beyond Google's emulator, which keeps nothing: messages the local stack accepted survive a
 * restart of the stack on the same data directory, and so do runs and the simulated cloud.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../shared/adapters/local/pubsub-options.ts';
import { EVENTS_SUBSCRIPTION } from '../../shared/local/stack/topology.ts';
import { readRunningStack } from '../../shared/local/stack/stack-file.ts';
import { startTestStack } from '../support/stack.ts';

describe('local stack: restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stackctl-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps accepted-but-unconsumed messages, runs and gcp-sim state across a restart', async () => {
    const first = await startTestStack({ dataDir });
    const client = new PubSub(emulatorPubsubOptions(first.info.projectId, first.info.endpoints.pubsubEmulator));
    const ids = await Promise.all(Array.from({ length: 25 }, (_, i) => client.topic('cp-events').publishMessage({ json: { kind: 'Probe', i } })));
    await client.close();
    const simBefore = first.sim.summary();
    await first.stop();
    expect(readRunningStack(dataDir)).toBeNull();

    const second = await startTestStack({ dataDir });
    try {
      expect(second.sim.summary()).toEqual(simBefore);
      const reader = new PubSub(emulatorPubsubOptions(second.info.projectId, second.info.endpoints.pubsubEmulator));
      const got = new Set<string>();
      const subscription = reader.subscription(EVENTS_SUBSCRIPTION);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${got.size} of ${ids.length} messages survived`)), 20_000);
        subscription.on('message', (m: Message) => {
          got.add(m.id);
          m.ack();
          if (ids.every((id) => got.has(id))) { clearTimeout(timer); resolve(); }
        });
        subscription.on('error', reject);
      });
      await subscription.close();
      await reader.close();
      expect([...got].sort()).toEqual([...ids].sort());
    } finally {
      await second.stop();
    }
  });
});
