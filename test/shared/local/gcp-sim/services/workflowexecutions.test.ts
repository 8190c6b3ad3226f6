import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { WorkflowExecutionsSim } from '../../../../../shared/local/gcp-sim/services/workflowexecutions.ts';
import { EngineExecutionBackend } from '../../../../../shared/local/gcp-sim/services/workflowexecutions/engine-backend.ts';
import { ExecutionsClient } from '@google-cloud/workflows';
import { gaxClientOptions } from '../../../../../shared/adapters/gcp/common/endpoint.ts';
import { localSimulatorAuth } from '../../../../../shared/adapters/local/local-auth.ts';

const dir = mkdtempSync(join(tmpdir(), 'wfx-sim-'));
writeFileSync(join(dir, 'add.yaml'), 'main:\n  params: [args]\n  steps:\n    - done:\n        return: ${args.x + 1}\n');
writeFileSync(join(dir, 'boom.yaml'), 'main:\n  steps:\n    - fail:\n        raise:\n          code: 42\n          message: boom\n');
writeFileSync(join(dir, 'slow.yaml'), 'main:\n  steps:\n    - wait:\n        call: sys.sleep\n        args:\n          seconds: 600\n    - done:\n        return: late\n');
writeFileSync(join(dir, 'parent.yaml'), [
  'main:', '  steps:', '    - start:', '        call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.create',
  '        args:', '          parent: projects/p1/locations/us-central1/workflows/add', '          body:', '            argument: \'{"x": 9}\'',
  '        result: child', '    - done:', '        return: ${child.name}', '',
].join('\n'));
writeFileSync(join(dir, 'noarg.yaml'), 'main:\n  steps:\n    - done:\n        return: no argument\n');
writeFileSync(join(dir, 'broken.yaml'), 'main:\n  steps:\n    - bad:\n        nonsense: true\n');

const BASE = '/v1/projects/p1/locations/us-central1/workflows';
let sim: GcpSim;
let bare: GcpSim;
const backend = new EngineExecutionBackend({ workflowsDir: dir, cancelWaitMs: 2000 });

async function call(target: GcpSim, method: string, path: string, body?: unknown) {
  const res = await fetch(`${target.url}${path}`, {
    method, headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() as any };
}

/** Polls an execution until it leaves ACTIVE (bounded). */
async function settled(name: string) {
  for (let i = 0; i < 200; i++) {
    const r = await call(sim, 'GET', `/v1/${name}`);
    if (r.json.state !== 'ACTIVE') return r.json;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error(`${name} still ACTIVE`);
}

beforeAll(async () => {
  sim = await startGcpSim({ services: [new WorkflowExecutionsSim(backend)] });
  bare = await startGcpSim({ services: [new WorkflowExecutionsSim()] });
});
afterAll(async () => {
  await backend.close();
  await sim.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkflowExecutionsSim without an engine', () => {
  it('answers every method 501 UNIMPLEMENTED and says why', async () => {
    for (const [method, path] of [['POST', `${BASE}/add/executions`], ['GET', `${BASE}/add/executions`], ['GET', `${BASE}/add/executions/abc`], ['POST', `${BASE}/add/executions/abc:cancel`]] as const) {
      const r = await call(bare, method, path, method === 'POST' ? {} : undefined);
      expect(r.status).toBe(501);
      expect(r.json.error.status).toBe('UNIMPLEMENTED');
      expect(r.json.error.message).toContain('no workflow engine attached');
    }
  });
});

describe('WorkflowExecutionsSim on the local workflow engine', () => {
  it('creates an execution from workflows/<w>.yaml and reports its result', async () => {
    const created = await call(sim, 'POST', `${BASE}/add/executions`, { argument: '{"x": 41}' });
    expect(created.status).toBe(200);
    expect(created.json.name).toMatch(/^projects\/p1\/locations\/us-central1\/workflows\/add\/executions\/[A-Za-z0-9_-]+$/);
    expect(created.json.argument).toBe('{"x": 41}');
    expect(created.json.workflowRevisionId).toMatch(/^000001-[0-9a-f]{3}$/);
    const done = await settled(created.json.name);
    expect(done.state).toBe('SUCCEEDED');
    expect(JSON.parse(done.result)).toBe(42);
    expect(Date.parse(done.endTime)).toBeGreaterThanOrEqual(Date.parse(done.startTime));
    expect(done.duration).toMatch(/^\d+(\.\d+)?s$/);
  });

  it('encodes state as an integer when the client asks for enum-encoding=int', async () => {
    const created = await call(sim, 'POST', `${BASE}/add/executions?$alt=json%3Benum-encoding=int`, { argument: '{"x": 1}' });
    expect(typeof created.json.state).toBe('number');
    await settled(created.json.name);
  });

  it('reports a raised error as FAILED with error.payload and context', async () => {
    const created = await call(sim, 'POST', `${BASE}/boom/executions`, {});
    const done = await settled(created.json.name);
    expect(done.state).toBe('FAILED');
    expect(JSON.parse(done.error.payload)).toMatchObject({ code: 42, message: 'boom' });
    expect(typeof done.error.context).toBe('string');
    expect(done.result).toBeUndefined();
  });

  it('lists newest first, BASIC by default, FULL on request, with pagination', async () => {
    const basic = await call(sim, 'GET', `${BASE}/add/executions`);
    expect(basic.json.executions.length).toBeGreaterThanOrEqual(2);
    expect(basic.json.executions.every((e: any) => e.argument === undefined && e.result === undefined)).toBe(true);
    const starts = basic.json.executions.map((e: any) => Date.parse(e.startTime));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const full = await call(sim, 'GET', `${BASE}/add/executions?view=FULL`);
    expect(full.json.executions[0].argument).toBeDefined();
    const page1 = await call(sim, 'GET', `${BASE}/add/executions?pageSize=1`);
    expect(page1.json.executions).toHaveLength(1);
    const page2 = await call(sim, 'GET', `${BASE}/add/executions?pageSize=1&pageToken=${page1.json.nextPageToken}`);
    expect(page2.json.executions[0].name).not.toBe(page1.json.executions[0].name);
    expect((await call(sim, 'GET', `${BASE}/add/executions?filter=state%3DACTIVE`)).status).toBe(501);
  });

  it('cancels an active execution once', async () => {
    const created = await call(sim, 'POST', `${BASE}/slow/executions`, {});
    expect(created.json.state).toBe('ACTIVE');
    const cancelled = await call(sim, 'POST', `/v1/${created.json.name}:cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.state).toBe('CANCELLED');
    const again = await call(sim, 'POST', `/v1/${created.json.name}:cancel`, {});
    expect(again.status).toBe(400);
    expect(again.json.error.status).toBe('FAILED_PRECONDITION');
  });

  it('refuses what the real API refuses, saying what is wrong', async () => {
    const missing = await call(sim, 'POST', `${BASE}/nope/executions`, {});
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('workflows/nope');
    const broken = await call(sim, 'POST', `${BASE}/broken/executions`, {});
    expect(broken.status).toBe(400);
    expect(broken.json.error.status).toBe('FAILED_PRECONDITION');
    expect(broken.json.error.message).toContain('broken.yaml');
    const notJson = await call(sim, 'POST', `${BASE}/add/executions`, { argument: '{x:1}' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.message).toContain('not valid JSON');
    const objectArg = await call(sim, 'POST', `${BASE}/add/executions`, { argument: { x: 1 } });
    expect(objectArg.json.error.message).toContain('JSON-encoded string');
    const huge = await call(sim, 'POST', `${BASE}/add/executions`, { argument: JSON.stringify({ s: 'x'.repeat(33 * 1024) }) });
    expect(huge.json.error.message).toContain('32KB');
    const labels = await call(sim, 'POST', `${BASE}/add/executions`, { labels: { team: 7 } });
    expect(labels.json.error.message).toContain('execution.labels["team"]');
    expect((await call(sim, 'GET', `${BASE}/add/executions/does-not-exist`)).status).toBe(404);
  });

  it('runs googleapis.* connectors against the hosting gcp-sim', async () => {
    const created = await call(sim, 'POST', `${BASE}/parent/executions`, {});
    const done = await settled(created.json.name);
    expect(done.state, JSON.stringify(done.error)).toBe('SUCCEEDED');
    const childName = JSON.parse(done.result) as string;
    expect(childName).toMatch(/^projects\/p1\/locations\/us-central1\/workflows\/add\/executions\//);
    const child = await settled(childName);
    expect(JSON.parse(child.result)).toBe(10);
  });

  it('runs an execution created without argument by the real client (its body is the JSON string "")', async () => {
    const client = new ExecutionsClient(gaxClientOptions({ projectId: 'p1', region: 'us-central1', simulatorUrl: sim.url, simulatorAuth: localSimulatorAuth() }) as ConstructorParameters<typeof ExecutionsClient>[0]);
    try {
      const [created] = await client.createExecution({ parent: 'projects/p1/locations/us-central1/workflows/noarg' });
      expect(created.state).toBe('ACTIVE');
      const done = await settled(created.name!);
      expect(done.state).toBe('SUCCEEDED');
      expect(JSON.parse(done.result)).toBe('no argument');
    } finally {
      await client.close();
    }
  });

  it('summarises deployed workflows and executions', () => {
    const s = sim.summary().workflowexecutions!;
    expect(s.workflows).toBe(5);
    expect(s.executions).toBeGreaterThanOrEqual(4);
  });
});
