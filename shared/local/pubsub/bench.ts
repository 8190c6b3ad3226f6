/**
 * Publish→receive throughput of the emulator with the real @google-cloud/pubsub client on both
 * ends, for `npm run bench` (never asserted in tests: wall-clock figures vary by machine).
 */
import { emulatorPubsubOptions } from '../../adapters/local/pubsub-options.ts';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { startPubsubEmulator } from './emulator.ts';

export interface ThroughputResult {
  messages: number;
  seconds: number;
  perSecond: number;
}

export async function measurePubsubThroughput(opts: { messages: number; timeoutMs?: number }): Promise<ThroughputResult> {
  const total = opts.messages;
  if (!Number.isInteger(total) || total <= 0) throw new Error(`messages must be a positive integer, got ${opts.messages}`);
  const emulator = await startPubsubEmulator({ port: 0 });
  const pubsub = new PubSub(emulatorPubsubOptions('bench-project', emulator.host));
  try {
    const [topic] = await pubsub.createTopic('bench-topic');
    const [subscription] = await topic.createSubscription('bench-sub');
    const seen = new Set<string>();
    const start = process.hrtime.bigint();
    const allReceived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench: received ${seen.size} of ${total} messages before timing out`)), opts.timeoutMs ?? 120_000);
      subscription.on('error', (err: Error) => { clearTimeout(timer); reject(err); });
      subscription.on('message', (m: Message) => {
        seen.add(m.id);
        m.ack();
        if (seen.size === total) { clearTimeout(timer); resolve(); }
      });
    });
    const payload = Buffer.alloc(256, 'x');
    await Promise.all(Array.from({ length: total }, () => topic.publishMessage({ data: payload })));
    await allReceived;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await subscription.close();
    return { messages: total, seconds, perSecond: total / seconds };
  } finally {
    await pubsub.close();
    await emulator.close();
  }
}
