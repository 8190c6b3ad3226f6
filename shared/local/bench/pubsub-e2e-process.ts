/**
 * One side of `pubsub.end-to-end`, in its own process: the real @google-cloud/pubsub client
 * publishes M 1-KiB messages to the emulator at --host and receives and acks them all on a
 * streaming pull. Prints {usPerMessage, messages}.
 */
import { parseArgs } from 'node:util';
import { PubSub, type Message } from '@google-cloud/pubsub';
import { emulatorPubsubOptions } from '../../adapters/local/pubsub-options.ts';

const { values } = parseArgs({ options: { host: { type: 'string' }, messages: { type: 'string' } } });
const total = Number(values.messages ?? 20_000);
const pubsub = new PubSub(emulatorPubsubOptions('bench-project', values.host!));
try {
  const suffix = Math.random().toString(36).slice(2, 8);
  const [topic] = await pubsub.createTopic(`e2e-${suffix}`);
  const [subscription] = await topic.createSubscription(`e2e-${suffix}`);
  const seen = new Set<string>();
  const started = performance.now();
  const received = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`received ${seen.size} of ${total} messages in 180 s`)), 180_000);
    subscription.on('error', (err: Error) => { clearTimeout(timer); reject(err); });
    subscription.on('message', (m: Message) => {
      seen.add(m.id);
      m.ack();
      if (seen.size === total) { clearTimeout(timer); resolve(); }
    });
  });
  const payload = Buffer.alloc(1024, 'x');
  await Promise.all(Array.from({ length: total }, () => topic.publishMessage({ data: payload })));
  await received;
  const ms = performance.now() - started;
  await subscription.close();
  process.stdout.write(`${JSON.stringify({ usPerMessage: (ms * 1000) / total, messages: total })}\n`);
} finally {
  await pubsub.close();
}
