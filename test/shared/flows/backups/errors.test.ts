import { describe, expect, it } from 'vitest';
import { retryTransient } from '../../../../shared/flows/backups/errors.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { ClientUnavailableError, PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';

describe('backups retryTransient', () => {
  const policy = { attempts: 3, initialMs: 1000, maxMs: 4000 };

  it('retries a transient failure in place, with backoff, up to the attempts', async () => {
    const clock = new VirtualClock(0);
    let calls = 0;
    const failure = await retryTransient(clock, async () => { calls++; throw new TransientError('503'); }, policy).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TransientError);
    expect(calls).toBe(3);
    // Two sleeps of the jittered backoff: 500-1000 ms, then 1000-2000 ms.
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(1500);
  });

  it('does not retry in place a client that could not start, nor a permanent failure: they fail at once', async () => {
    const clock = new VirtualClock(0);
    for (const error of [new ClientUnavailableError('sqladmin: the client did not start (credentials or endpoint): Could not load the default credentials'), new PermanentError('400')]) {
      let calls = 0;
      await expect(retryTransient(clock, async () => { calls++; throw error; }, policy)).rejects.toBe(error);
      expect(calls).toBe(1);
    }
    expect(clock.now().getTime()).toBe(0);
  });
});
