/** experimental.executions.run / map against gcp-sim's engine-backed Workflow Executions API. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TOKEN } from '../../../../../shared/adapters/local/local-auth.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { WorkflowExecutionsSim } from '../../../../../shared/local/gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend } from '../../../../../shared/local/gcp-sim/services/workflowexecutions/engine-backend.ts';
import { failure, result } from '../helpers.ts';

const clock = new VirtualClock('2026-01-01T00:00:00Z');
let dir: string;
let backend: EngineExecutionBackend;
let sim: GcpSim;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wf-exec-'));
  // "square" waits a little (so the caller has to poll) and squares its argument; "picky" fails on negatives.
  writeFileSync(join(dir, 'square.yaml'), `
main:
  params: [n]
  steps:
    - wait:
        call: sys.sleep
        args:
          seconds: \${n}
    - r:
        return: \${n * n}
`);
  writeFileSync(join(dir, 'picky.yaml'), `
main:
  params: [n]
  steps:
    - check:
        switch:
          - condition: \${n < 0}
            raise: "negative"
    - r:
        return: \${n}
`);
  backend = new EngineExecutionBackend({ workflowsDir: dir, clock, projectId: 'p1' });
  sim = await startGcpSim({ clock, services: [new WorkflowExecutionsSim(backend)] });
});
afterAll(async () => {
  await sim?.close();
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

const opts = () => ({ clock, connectorBaseUrl: sim.url, tokenProvider: async () => LOCAL_TOKEN, identity: { projectId: 'p1' } });

describe('experimental.executions.map', () => {
  it('runs one execution per argument and returns their results in argument order', async () => {
    const listed = async (): Promise<{ argument?: string }[]> => {
      const res = await fetch(`${sim.url}/v1/projects/p1/locations/us-central1/workflows/square/executions?view=FULL`, { headers: { authorization: `Bearer ${LOCAL_TOKEN}` } });
      return ((await res.json()) as { executions?: { argument?: string }[] }).executions ?? [];
    };
    const before = (await listed()).length;
    expect(await result(`
- m:
    call: experimental.executions.map
    args:
      workflow_id: square
      arguments: [3, 1, 2]
    result: r
- done:
    return: \${r}
`, null, opts())).toEqual([9, 1, 4]);
    const all = await listed();
    expect(all).toHaveLength(before + 3);
    expect(all.map((e) => e.argument).sort()).toEqual(expect.arrayContaining(['1', '2', '3']));
  });

  it('raises ExecutionError carrying the failed execution when any one fails', async () => {
    const f = await failure(`
- m:
    call: experimental.executions.map
    args:
      workflow_id: picky
      arguments: [1, -1]
`, null, opts());
    expect(f.tags).toEqual(['ExecutionError']);
    expect(f.payload).toMatchObject({ execution: { state: 'FAILED' } });
  });

  it('raises TimeoutError when the executions take longer than the timeout', async () => {
    const f = await failure(`
- m:
    call: experimental.executions.map
    args:
      workflow_id: square
      arguments: [100]
      timeout: 10
`, null, opts());
    expect(f.tags).toEqual(['TimeoutError']);
  });

  it('refuses a non-list "arguments" and bytes arguments with TypeError', async () => {
    expect((await failure(`
- m:
    call: experimental.executions.map
    args:
      workflow_id: square
      arguments: 3
`, null, opts())).tags).toEqual(['TypeError']);
    expect((await failure(`
- m:
    call: experimental.executions.map
    args:
      workflow_id: square
      arguments: \${[text.encode("x")]}
`, null, opts())).tags).toEqual(['TypeError']);
  });
});

describe('experimental.executions.run', () => {
  it('returns the execution\'s result', async () => {
    expect(await result(`
- m:
    call: experimental.executions.run
    args:
      workflow_id: square
      argument: 4
    result: r
- done:
    return: \${r}
`, null, opts())).toBe(16);
  });
});
