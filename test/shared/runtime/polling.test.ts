import { describe, expect, it } from 'vitest';
import { startPolling } from '../../../shared/runtime/polling.ts';

describe('startPolling', () => {
  it('never overlaps a pass, reports a failing pass and goes on, and stop waits for the pass in progress', async () => {
    let running = 0;
    let overlapped = false;
    let passes = 0;
    const errors: unknown[] = [];
    let release!: () => void;
    const polling = startPolling(async () => {
      running++;
      overlapped ||= running > 1;
      passes++;
      try {
        if (passes === 2) throw new Error('pass 2 failed');
        // The fourth pass stays in progress until the test releases it.
        if (passes === 4) await new Promise<void>((resolve) => { release = resolve; });
        else await new Promise((resolve) => setTimeout(resolve, 2));
      } finally {
        running--;
      }
    }, 1, (err) => errors.push(err));
    for (let i = 0; i < 500 && passes < 4; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(passes).toBe(4);
    let stopped = false;
    const stopping = polling.stop().then(() => { stopped = true; });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(passes).toBe(4);
    expect(overlapped).toBe(false);
    expect(errors.map((e) => (e as Error).message)).toEqual(['pass 2 failed']);
  });
});
