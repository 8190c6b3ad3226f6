/** The throughput benchmark runs end to end (its figures are printed by `npm run bench`, never asserted). */
import { describe, expect, it } from 'vitest';
import { measurePubsubThroughput } from '../../../../shared/local/pubsub/bench.ts';

describe('measurePubsubThroughput', () => {
  it('publishes and receives the requested number of messages with the real client', async () => {
    const result = await measurePubsubThroughput({ messages: 300 });
    expect(result.messages).toBe(300);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.perSecond).toBeCloseTo(300 / result.seconds);
  });

  it('rejects a non-positive message count', async () => {
    await expect(measurePubsubThroughput({ messages: 0 })).rejects.toThrow(/positive integer/);
  });
});
