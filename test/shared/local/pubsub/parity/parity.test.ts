/**
 * The parity suite: every scenario of scenarios.ts with the real @google-cloud/pubsub client,
 * against our emulator and, when the machine has it, Google's Java emulator (started and stopped
 * here, on loopback). A scenario must pass unless docs/PUBSUB-EMULATOR.md records that emulator's
 * departure from the documented behaviour, and must fail when it does: a changed outcome on either
 * side fails the suite until the table is updated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../../shared/local/pubsub/emulator.ts';
import { locateGoogleEmulator, startGoogleEmulator, type GoogleEmulator } from './google-emulator.ts';
import { parityContext, type ParityContext } from './harness.ts';
import { SCENARIOS, type EmulatorName, type Scenario } from './scenarios.ts';

const SCENARIO_TIMEOUT_MS = 15_000;
const outcomes: Record<EmulatorName, Map<string, boolean>> = { ours: new Map(), google: new Map() };

async function check(scenario: Scenario, emulator: EmulatorName, ctx: ParityContext): Promise<void> {
  let error: unknown;
  try {
    await scenario.run(ctx);
  } catch (err) {
    error = err;
  }
  outcomes[emulator].set(scenario.id, error === undefined);
  const departure = scenario.departs?.[emulator];
  if (departure === undefined && error !== undefined) {
    throw new Error(`${emulator} emulator departs from documented behaviour in "${scenario.id}" (${scenario.behaviour}): ${(error as Error).message}`);
  }
  if (departure !== undefined && error === undefined) {
    throw new Error(`"${scenario.id}" now passes on the ${emulator} emulator, but docs/PUBSUB-EMULATOR.md records a departure ("${departure}"): update the scenario and the table`);
  }
}

function scenarioTests(emulator: EmulatorName, ctx: () => ParityContext): void {
  for (const scenario of SCENARIOS) {
    const label = scenario.departs?.[emulator] ? `${scenario.id} (departs, as documented)` : scenario.id;
    it(label, () => check(scenario, emulator, ctx()), SCENARIO_TIMEOUT_MS);
  }
}

afterAll(() => {
  const summary = (Object.keys(outcomes) as EmulatorName[])
    .filter((name) => outcomes[name].size > 0)
    .map((name) => `${name} ${[...outcomes[name].values()].filter(Boolean).length}/${outcomes[name].size}`);
  console.info(`Pub/Sub parity: scenarios passing per emulator: ${summary.join(', ')}`);
});

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
  scenarioTests('ours', () => ctx);
});

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
  scenarioTests('google', () => ctx);
});

describe('docs/PUBSUB-EMULATOR.md', () => {
  it('has one row per scenario, recording exactly the departures the scenarios declare', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../../../docs/PUBSUB-EMULATOR.md'), 'utf8');
    const rows = new Map<string, { ours: string; google: string }>();
    for (const line of doc.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const id = /^`([a-z0-9-]+)`$/.exec(cells[1] ?? '')?.[1];
      if (id && cells.length >= 6) rows.set(id, { ours: cells[3]!, google: cells[4]! });
    }
    expect([...rows.keys()].sort()).toEqual(SCENARIOS.map((s) => s.id).sort());
    for (const s of SCENARIOS) {
      expect(rows.get(s.id), s.id).toEqual({ ours: s.departs?.ours ?? 'conforms', google: s.departs?.google ?? 'conforms' });
    }
  });
});
