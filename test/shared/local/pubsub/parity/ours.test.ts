/** The parity scenarios against our emulator (the Google column is google.test.ts, run in parallel). */
import { afterAll, beforeAll, describe } from 'vitest';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../../shared/local/pubsub/emulator.ts';
import { parityColumn } from './parity-check.ts';
import { parityContext, type ParityContext } from './harness.ts';

describe('parity: our emulator', () => {
  let emulator: PubsubEmulator;
  let ctx: ParityContext & { close(): Promise<void> };
  beforeAll(async () => {
    emulator = await startPubsubEmulator({ port: 0 });
    ctx = parityContext(emulator.host);
  });
  afterAll(async () => {
    await ctx?.close();
    await emulator?.close();
  });
  parityColumn('ours', () => ctx);
});
