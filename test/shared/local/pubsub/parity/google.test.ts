/**
 * The parity scenarios against Google's Pub/Sub emulator, started here on loopback when the
 * machine has it (gcloud SDK component pubsub-emulator + Java) and stopped afterwards; without it
 * the column is skipped and the reason printed.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { locateGoogleEmulator, startGoogleEmulator, type GoogleEmulator } from './google-emulator.ts';
import { parityColumn } from './parity-check.ts';
import { parityContext, type ParityContext } from './harness.ts';

const google = locateGoogleEmulator();
if (!google.found) console.warn(`Pub/Sub parity: the Google emulator column is skipped: ${google.reason}`);

describe.skipIf(!google.found)("parity: Google's emulator", () => {
  let emulator: GoogleEmulator;
  let ctx: ParityContext & { close(): Promise<void> };
  beforeAll(async () => {
    if (!google.found) return;
    emulator = await startGoogleEmulator(google.bin);
    ctx = parityContext(emulator.host);
  }, 40_000);
  afterAll(async () => {
    await ctx?.close();
    await emulator?.close();
  });
  parityColumn('google', () => ctx);
});
