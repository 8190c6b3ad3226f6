/**
 * How a parity column runs: every scenario must pass unless docs/PUBSUB-EMULATOR.md records that
 * emulator's departure from the documented behaviour, and must fail when it does, so a changed
 * outcome on either side fails the suite until the table is updated.
 */
import { afterAll, it } from 'vitest';
import type { ParityContext } from './harness.ts';
import { SCENARIOS, type EmulatorName, type Scenario } from './scenarios.ts';

const SCENARIO_TIMEOUT_MS = 20_000;

async function check(scenario: Scenario, emulator: EmulatorName, ctx: ParityContext): Promise<boolean> {
  let error: unknown;
  try {
    await scenario.run(ctx);
  } catch (err) {
    error = err;
  }
  const departure = scenario.departs?.[emulator];
  if (departure === undefined && error !== undefined) {
    throw new Error(`${emulator} emulator departs from documented behaviour in "${scenario.id}" (${scenario.behaviour}): ${(error as Error).message}`);
  }
  if (departure !== undefined && error === undefined) {
    throw new Error(`"${scenario.id}" now passes on the ${emulator} emulator, but docs/PUBSUB-EMULATOR.md records a departure ("${departure}"): update the scenario and the table`);
  }
  return error === undefined;
}

/** One `it` per scenario against the emulator `ctx()` points at; prints the pass count at the end. */
export function parityColumn(emulator: EmulatorName, ctx: () => ParityContext): void {
  const passed = new Map<string, boolean>();
  for (const scenario of SCENARIOS) {
    const label = scenario.departs?.[emulator] ? `${scenario.id} (departs, as documented)` : scenario.id;
    it(label, async () => { passed.set(scenario.id, await check(scenario, emulator, ctx())); }, SCENARIO_TIMEOUT_MS);
  }
  afterAll(() => {
    const expected = SCENARIOS.filter((s) => !s.departs?.[emulator]).length;
    console.info(`Pub/Sub parity (${emulator}): ${[...passed.values()].filter(Boolean).length}/${SCENARIOS.length} scenarios pass (${expected} expected)`);
  });
}
