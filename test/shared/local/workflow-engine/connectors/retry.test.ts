/**
 * Connectors' built-in retries ("Understand connectors"): GET requests with the idempotent default policy, every
 * other method with the non-idempotent one, five retries with the default backoff on the injected clock, and the
 * same retries for each long-running-operation poll. Against gcp-sim with fault injection, and a loopback server
 * for the status codes gcp-sim's faults cannot produce (502, 504).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_TOKEN } from '../../../../../shared/adapters/local/local-auth.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { SqlAdminSim } from '../../../../../shared/local/gcp-sim/services/sqladmin.ts';
import { connectorRetryPolicy } from '../../../../../shared/local/workflow-engine/connectors/retry.ts';
import { RecordingClock, failure, json, result, serve, type TestServer } from '../helpers.ts';

/** The default backoff (1 s, ×1.25) of the five retries, in ms. */
const FIVE_RETRIES = [1000, 1250, 1562.5, 1953.125, 2441.40625];

const getInstance = `
- get:
    call: googleapis.sqladmin.v1.instances.get
    args: {project: p1, instance: db}
    result: i
- r:
    return: \${i.name}
`;

describe('connector built-in retries against gcp-sim', () => {
  let sim: GcpSim;
  let clock: RecordingClock;
  const requests: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };

  beforeEach(async () => {
    await sim?.close();
    clock = new RecordingClock();
    requests.length = 0;
    sim = await startGcpSim({ clock: clock.inner, services: [new SqlAdminSim({ seedInstances: [{ project: 'p1', name: 'db' }] })] });
  });
  afterAll(async () => { await sim?.close(); });

  const opts = () => ({ clock, connectorBaseUrl: sim.url, fetch: countingFetch, tokenProvider: async () => LOCAL_TOKEN });

  it('a times:1 503 on sqladmin.instances.get now succeeds after one retry of 1 s', async () => {
    sim.faults.add({ method: 'sqladmin.instances.get', times: 1, code: 503 });
    expect(await result(getInstance, null, opts())).toBe('db');
    expect(requests).toEqual(['GET /v1/projects/p1/instances/db', 'GET /v1/projects/p1/instances/db']);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('a GET is retried five times with the default backoff, then the last HttpError is raised', async () => {
    sim.faults.add({ method: 'sqladmin.instances.get', code: 503 });
    const f = await failure(getInstance, null, opts());
    expect(f.tags).toEqual(['HttpError']);
    expect(f.payload).toMatchObject({ code: 503 });
    expect(requests).toHaveLength(6);
    expect(clock.sleeps).toEqual(FIVE_RETRIES);
  });

  it('errors outside the policy (500, 404) are raised at once', async () => {
    sim.faults.add({ method: 'sqladmin.instances.get', times: 1, code: 500 });
    expect((await failure(getInstance, null, opts())).payload).toMatchObject({ code: 500 });
    expect(requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a POST is retried on 429 (non-idempotent policy) and its operation is then polled', async () => {
    sim.faults.add({ method: 'sqladmin.databases.insert', times: 2, code: 429 });
    const yaml = `
- add:
    call: googleapis.sqladmin.v1.databases.insert
    args: {project: p1, instance: db, body: {name: app}}
    result: op
- r:
    return: \${op.status}
`;
    expect(await result(yaml, null, opts())).toBe('DONE');
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(3);
    // Two retry waits, then the polling policy's waits until the 2-second operation is done.
    expect(clock.sleeps.slice(0, 2)).toEqual([1000, 1250]);
    expect(clock.sleeps.slice(2)).toEqual([1000, 1250]);
  });

  it('a failed poll of a long-running operation is retried (the same retry mechanism applies to polling)', async () => {
    sim.faults.add({ method: 'sqladmin.operations.get', times: 2, code: 503 });
    const yaml = `
- patch:
    call: googleapis.sqladmin.v1.instances.patch
    args: {project: p1, instance: db, body: {settings: {userLabels: {a: b}}}}
    result: op
- r:
    return: \${op.status}
`;
    expect(await result(yaml, null, opts())).toBe('DONE');
    const polls = requests.filter((r) => r.includes('/operations/'));
    expect(polls.length).toBeGreaterThanOrEqual(3);
    // First poll wait (1 s), then the two retry waits of that poll (1 s, 1.25 s).
    expect(clock.sleeps.slice(0, 3)).toEqual([1000, 1000, 1250]);
  });
});

describe('connector built-in retries: idempotent vs non-idempotent policy', () => {
  let server: TestServer;
  let codes: number[] = [];
  beforeAll(async () => {
    server = await serve((_req, res) => {
      const code = codes.shift() ?? 200;
      json(res, code, code === 200 ? { kind: 'sql#instance', name: 'db', status: 'DONE' } : { error: { code, message: `answered ${code}` } });
    });
  });
  afterAll(async () => { await server.close(); });
  beforeEach(() => { server.requests.length = 0; });

  it('chooses the policy by HTTP method', () => {
    expect(connectorRetryPolicy('GET')).toBe('http.default_retry');
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) expect(connectorRetryPolicy(m)).toBe('http.default_retry_non_idempotent');
  });

  it('a GET retries 502 and 504; a POST does not', async () => {
    codes = [502, 504];
    const clock = new RecordingClock();
    expect(await result(getInstance, null, { clock, connectorBaseUrl: server.url })).toBe('db');
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 1250]);

    codes = [502];
    const post = `
- restart:
    call: googleapis.sqladmin.v1.instances.restart
    args: {project: p1, instance: db}
`;
    const f = await failure(post, null, { clock: new RecordingClock(), connectorBaseUrl: server.url });
    expect(f.payload).toMatchObject({ code: 502 });
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('a POST whose connection is refused is retried (ConnectionFailedError is in both policies)', async () => {
    const closed = await serve(() => undefined);
    const url = closed.url;
    await closed.close();
    const clock = new RecordingClock();
    const f = await failure(`
- restart:
    call: googleapis.sqladmin.v1.instances.restart
    args: {project: p1, instance: db}
`, null, { clock, connectorBaseUrl: url });
    expect(f.tags).toContain('ConnectionFailedError');
    expect(clock.sleeps).toEqual(FIVE_RETRIES);
  });
});
