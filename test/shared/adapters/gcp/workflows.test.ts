import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { localSimulatorAuth } from '../../../../shared/adapters/local/local-auth.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GcpWorkflows } from '../../../../shared/adapters/gcp/workflows.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { WorkflowExecutionsSim } from '../../../../shared/local/gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend } from '../../../../shared/local/gcp-sim/services/workflowexecutions/engine-backend.ts';
import { PermanentError, TransientError } from '../../../../shared/runtime/errors.ts';
import type { Execution } from '../../../../shared/ports/workflows.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/wire/workflowexecutions/workflows-adapter.json', import.meta.url), 'utf8'));
const enums = fixture.$enums as Record<string, Record<string, number>>;

const dir = mkdtempSync(join(tmpdir(), 'wfx-adapter-'));
writeFileSync(join(dir, 'add.yaml'), 'main:\n  params: [args]\n  steps:\n    - done:\n        return: ${args.x + 1}\n');
writeFileSync(join(dir, 'echo.yaml'), 'main:\n  params: [args]\n  steps:\n    - done:\n        return:\n          got: ${args}\n          list: [1, 2]\n');
writeFileSync(join(dir, 'boom.yaml'), 'main:\n  steps:\n    - fail:\n        raise: "database is on fire"\n');
writeFileSync(join(dir, 'slow.yaml'), 'main:\n  steps:\n    - wait:\n        call: sys.sleep\n        args:\n          seconds: 600\n');

interface Recorded { method: string; path: string; query: Record<string, string>; body?: unknown }
let sim: GcpSim;
let workflows: GcpWorkflows;
let recorded: Recorded[] = [];
const backend = new EngineExecutionBackend({ workflowsDir: dir, cancelWaitMs: 2000, projectId: 'demo-project' });
const realFetch = globalThis.fetch;

const isEmptyObject = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;

/** Enum numbers to names; inside a body, an empty map field is proto3 JSON's default value and equals its absence. */
function normalise(value: unknown, key = '', inBody = false): unknown {
  if (Array.isArray(value)) return value.map((v) => normalise(v, '', inBody));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value)
      .filter(([, v]) => !(inBody && isEmptyObject(v)))
      .map(([k, v]) => [k, normalise(v, k, inBody || k === 'body')]));
  }
  if (enums[key] && /^\d+$/.test(String(value))) return Object.entries(enums[key]!).find(([, n]) => n === Number(value))?.[0] ?? value;
  return value;
}

function record(): void {
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    if (url.origin === sim.url) {
      const query = Object.fromEntries([...url.searchParams].filter(([k]) => k !== '$alt'));
      const body = typeof init?.body === 'string' && init.body !== '' ? JSON.parse(init.body) : undefined;
      recorded.push({ method: init?.method ?? 'GET', path: decodeURIComponent(url.pathname), query, ...(body === undefined ? {} : { body }) });
    }
    return realFetch(input, init);
  }) as typeof fetch;
}

function expectWire(expected: Recorded[], execution = ''): void {
  const resolved = expected.map((e) => ({ ...e, path: e.path.replace('<execution>', `/v1/${execution}`) }));
  expect(recorded.map((r) => normalise(r))).toEqual(resolved.map((e) => normalise(e)));
}

async function finished(name: string): Promise<Execution> {
  for (let i = 0; i < 200; i++) {
    const e = await workflows.getExecution(name);
    if (e.state !== 'ACTIVE') return e;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} did not finish`);
}

beforeAll(async () => {
  sim = await startGcpSim({ services: [new WorkflowExecutionsSim(backend)] });
  workflows = new GcpWorkflows({ projectId: 'demo-project', region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() });
  record();
});
afterEach(() => { recorded = []; sim.faults.clear(); });
afterAll(async () => {
  globalThis.fetch = realFetch;
  await backend.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GcpWorkflows against gcp-sim (local engine) through ExecutionsClient', () => {
  it('starts an execution and reads its decoded result', async () => {
    const started = await workflows.startExecution('add', { x: 41 });
    expect(started.name).toMatch(/^projects\/demo-project\/locations\/us-central1\/workflows\/add\/executions\//);
    expect(started.workflow).toBe('projects/demo-project/locations/us-central1/workflows/add');
    expect(started.argument).toEqual({ x: 41 });
    expect(started.startTime).toBeInstanceOf(Date);
    const done = await finished(started.name);
    expect(done).toMatchObject({ state: 'SUCCEEDED', result: 42 });
    expect(done.endTime).toBeInstanceOf(Date);
  });

  it('carries structured arguments and results as JSON, and accepts a full workflow name', async () => {
    const started = await workflows.startExecution('projects/demo-project/locations/us-central1/workflows/echo', { nested: { a: [true, null] } });
    const done = await finished(started.name);
    expect(done.result).toEqual({ got: { nested: { a: [true, null] } }, list: [1, 2] });
  });

  it('reports a failed execution with its error payload', async () => {
    const done = await finished((await workflows.startExecution('boom', {})).name);
    expect(done.state).toBe('FAILED');
    expect(done.error!.payload).toContain('database is on fire');
  });

  it('lists executions of a workflow with their arguments', async () => {
    const list = await workflows.listExecutions('add');
    expect(list.length).toBeGreaterThanOrEqual(1);
    expect(list[0]!.argument).toEqual({ x: 41 });
  });

  it('cancels an active execution', async () => {
    const started = await workflows.startExecution('slow', {});
    const cancelled = await workflows.cancelExecution(started.name);
    expect(cancelled.state).toBe('CANCELLED');
  });

  it('refuses malformed names before any request', async () => {
    await expect(workflows.getExecution('executions/123')).rejects.toBeInstanceOf(PermanentError);
    await expect(workflows.startExecution('bad workflow', {})).rejects.toBeInstanceOf(PermanentError);
    expect(recorded).toEqual([]);
  });
});

describe('GcpWorkflows wire format (fixture from the Workflow Executions REST reference)', () => {
  it('executions.create, get, list and cancel', async () => {
    const started = await workflows.startExecution('add', { x: 41 });
    expectWire(fixture.start);
    recorded = [];
    await workflows.getExecution(started.name);
    expectWire(fixture.get, started.name);
    recorded = [];
    await workflows.listExecutions('add');
    expectWire(fixture.list);
    recorded = [];
    const slow = await workflows.startExecution('slow', {});
    recorded = [];
    await workflows.cancelExecution(slow.name);
    expectWire(fixture.cancel, slow.name);
  });
});

describe('GcpWorkflows error classes under fault injection', () => {
  it('503 on executions.create is transient', async () => {
    sim.faults.add({ method: 'workflowexecutions.projects.locations.workflows.executions.create', code: 503, times: 1 });
    await expect(workflows.startExecution('add', { x: 1 })).rejects.toBeInstanceOf(TransientError);
  });

  it('429 on executions.get is transient', async () => {
    sim.faults.add({ method: 'workflowexecutions.projects.locations.workflows.executions.get', code: 429, times: 1 });
    await expect(workflows.getExecution('projects/demo-project/locations/us-central1/workflows/add/executions/x1')).rejects.toBeInstanceOf(TransientError);
  });

  it('403 on executions.list is permanent', async () => {
    sim.faults.add({ method: 'workflowexecutions.projects.locations.workflows.executions.list', code: 403, times: 1 });
    await expect(workflows.listExecutions('add')).rejects.toBeInstanceOf(PermanentError);
  });

  it('an unknown workflow (404) and cancelling a finished execution (400) are permanent', async () => {
    await expect(workflows.startExecution('not-deployed', {})).rejects.toBeInstanceOf(PermanentError);
    const done = await finished((await workflows.startExecution('add', { x: 2 })).name);
    const err = await workflows.cancelExecution(done.name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('only an active execution can be cancelled');
  });
});
