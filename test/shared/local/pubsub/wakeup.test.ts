/** The broker's single re-armable wake-up, on an injected clock whose sleeps cannot be cancelled. */
import { describe, expect, it } from 'vitest';
import { WakeUp } from '../../../../shared/local/pubsub/wakeup.ts';
import { ManualClock } from './helpers.ts';

describe('WakeUp on an injected clock', () => {
  it('fires at the earliest requested deadline and again for a later one re-armed after firing', async () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const wake = new WakeUp(clock, false, () => fired.push(clock.now().getTime()));
    wake.at(5_000);
    wake.at(2_000);
    await clock.advance(1_999);
    expect(fired).toEqual([]);
    await clock.advance(1);
    expect(fired).toEqual([2_000]);
    // The stale 5 s sleep is still pending; a new 7 s deadline must still fire at 7 s, not at 5 s.
    wake.at(7_000);
    await clock.advance(3_000);
    expect(fired).toEqual([2_000]);
    await clock.advance(2_000);
    expect(fired).toEqual([2_000, 7_000]);
    wake.close();
  });

  it('never fires after close()', async () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const wake = new WakeUp(clock, false, () => fired++);
    wake.at(1_000);
    wake.close();
    await clock.advance(5_000);
    expect(fired).toBe(0);
  });

  it('uses one cancellable real timer in real time and clears it on close()', async () => {
    let fired = 0;
    const wake = new WakeUp({ now: () => new Date(), sleep: () => Promise.reject(new Error('unused')) }, true, () => fired++);
    wake.at(Date.now() + 5);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(1);
    wake.at(Date.now() + 5);
    wake.close();
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(1);
  });
});
