import { describe, expect, it, vi } from 'vitest';
import { DeferredPublisher } from '../../../shared/runtime/deferred-publisher.ts';

function fakePublisher() {
  const sent: Array<[string, unknown, Record<string, string> | undefined]> = [];
  return { sent, close: vi.fn(async () => undefined), publish: async (t: string, d: unknown, a?: Record<string, string>) => { sent.push([t, d, a]); return `id-${sent.length}`; } };
}

describe('DeferredPublisher', () => {
  it('loads once, from start() or the first publish, and publishes through the loaded client', async () => {
    const inner = fakePublisher();
    const load = vi.fn(async () => inner);
    const p = new DeferredPublisher(load);
    p.start();
    p.start();
    expect(await p.publish('cp-events', { n: 1 }, { flow: 'budgets' })).toBe('id-1');
    expect(await p.publish('cp-events', { n: 2 })).toBe('id-2');
    expect(load).toHaveBeenCalledTimes(1);
    expect(inner.sent).toEqual([['cp-events', { n: 1 }, { flow: 'budgets' }], ['cp-events', { n: 2 }, undefined]]);
    await p.close();
    expect(inner.close).toHaveBeenCalledTimes(1);
  });

  it('a failed load fails that publish and is tried again by the next', async () => {
    const inner = fakePublisher();
    const load = vi.fn().mockRejectedValueOnce(new Error('cannot import')).mockResolvedValue(inner);
    const p = new DeferredPublisher(load);
    p.start();
    await expect(p.publish('cp-events', 1)).rejects.toThrow('cannot import');
    expect(await p.publish('cp-events', 2)).toBe('id-1');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('close before anything loaded loads nothing', async () => {
    const load = vi.fn(async () => fakePublisher());
    await new DeferredPublisher(load).close();
    expect(load).not.toHaveBeenCalled();
  });
});
