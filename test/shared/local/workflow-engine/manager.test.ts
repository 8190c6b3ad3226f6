import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { WorkflowExecutionManager } from '../../../../shared/local/workflow-engine/index.ts';

let manager: WorkflowExecutionManager | undefined;
afterEach(async () => { await manager?.close(); manager = undefined; });

describe('WorkflowExecutionManager', () => {
  it('creates executions by id that run in the background; get/list/wait report their state', async () => {
    manager = new WorkflowExecutionManager({ clock: new VirtualClock(), projectId: 'p', location: 'l' });
    manager.deploy('double', `
main:
  params: [args]
  steps:
    - wait:
        call: sys.sleep
        args: {seconds: 60}
    - r:
        return: \${args.n * 2}
`);
    const e = manager.create('double', { n: 21 });
    expect(e.state).toBe('ACTIVE');
    expect(e.name).toBe(`projects/p/locations/l/workflows/double/executions/${e.id}`);
    expect(JSON.parse(e.argument)).toEqual({ n: 21 });
    const done = await manager.wait(e.name);
    expect(done).toMatchObject({ state: 'SUCCEEDED', result: '42' });
    expect(manager.get(e.id)?.run?.history.map((h) => h.step)).toEqual(['wait', 'r']);
    expect(manager.list('double').map((x) => x.id)).toEqual([e.id]);
    expect(manager.list('other')).toEqual([]);
  });

  it('reports failures with the error payload and context', async () => {
    manager = new WorkflowExecutionManager({ clock: new VirtualClock() });
    manager.deploy('bad', '- boom:\n    raise: "nope"\n');
    const e = await manager.wait(manager.create('bad').id);
    expect(e.state).toBe('FAILED');
    expect(e.error).toMatchObject({ payload: '"nope"', context: expect.stringContaining('in step "boom"') as unknown });
  });

  it('cancel stops a waiting execution', async () => {
    // A clock whose sleeps never end: the execution can only stop by cancellation.
    const stuck = { now: () => new Date('2026-01-01T00:00:00Z'), sleep: () => new Promise<void>(() => undefined) };
    manager = new WorkflowExecutionManager({ clock: stuck });
    manager.deploy('slow', '- s:\n    call: sys.sleep\n    args: {seconds: 100}\n- r:\n    return: 1\n');
    const e = manager.create('slow');
    await new Promise((r) => setImmediate(r));
    manager.cancel(e.id);
    expect((await manager.wait(e.id)).state).toBe('CANCELLED');
  });

  it('refuses unknown workflows and invalid sources', () => {
    manager = new WorkflowExecutionManager();
    expect(() => manager?.create('nope')).toThrow(/not deployed/);
    expect(() => manager?.deploy('broken', '- s:\n    next: missing\n')).toThrow(/"missing" does not exist/);
  });
});
