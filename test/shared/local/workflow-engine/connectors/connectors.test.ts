import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordingClock, failure, json, result, run, serve, type TestServer } from '../helpers.ts';

/** A tiny Cloud SQL-shaped server: operations finish after `pollsUntilDone` GETs, or fail, or never finish. */
let server: TestServer;
let pollsUntilDone = 2;
let polls = 0;
let failOperation = false;
const executions = new Map<string, { polls: number }>();

beforeAll(async () => {
  server = await serve((req, res) => {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (req.method === 'POST' && /^\/(sql\/v1beta4|v1)\/projects\/p\/instances(\/[^/]+\/clone)?$/.test(path)) {
      polls = 0;
      return json(res, 200, { kind: 'sql#operation', name: 'op-1', status: 'PENDING', targetProject: 'p', operationType: 'CREATE' });
    }
    const op = /^\/(sql\/v1beta4|v1)\/projects\/p\/operations\/op-1$/.exec(path);
    if (req.method === 'GET' && op) {
      polls++;
      const done = pollsUntilDone >= 0 && polls >= pollsUntilDone;
      const body: Record<string, unknown> = { kind: 'sql#operation', name: 'op-1', status: done ? 'DONE' : 'RUNNING', targetProject: 'p' };
      if (done && failOperation) body.error = { kind: 'sql#operationErrors', errors: [{ code: 'ERROR_RDBMS', message: 'disk full' }] };
      return json(res, 200, body);
    }
    if (req.method === 'GET' && path === '/v1/projects/p/instances/missing') return json(res, 404, { error: { code: 404, message: 'instance missing', status: 'NOT_FOUND' } });
    if (req.method === 'GET' && path === '/v1/projects/p/instances/db1') return json(res, 200, { name: 'db1', auth: req.headers.authorization ?? null });
    if (req.method === 'GET' && path === '/v1/projects/p/secrets/s1/versions/latest:access') {
      return json(res, 200, { name: 'projects/p/secrets/s1/versions/3', payload: { data: Buffer.from('hunter2').toString('base64') } });
    }
    if (req.method === 'POST' && path === '/upload/storage/v1/b/bkt/o') {
      return json(res, 200, { bucket: 'bkt', name: url.searchParams.get('name'), contentType: req.headers['content-type'], size: String(req.body.length), uploadType: url.searchParams.get('uploadType') });
    }
    if (req.method === 'POST' && path === '/v1/projects/p/locations/l/workflows/w/executions') {
      const id = `e${executions.size + 1}`;
      executions.set(id, { polls: 0 });
      return json(res, 200, { name: `projects/p/locations/l/workflows/w/executions/${id}`, state: 'ACTIVE', argument: JSON.parse(req.body).argument });
    }
    const exec = /^\/v1\/projects\/p\/locations\/l\/workflows\/w\/executions\/(e\d+)$/.exec(path);
    if (req.method === 'GET' && exec) {
      const e = executions.get(exec[1]) as { polls: number };
      e.polls++;
      return json(res, 200, e.polls < 2
        ? { name: path.slice(4), state: 'ACTIVE' }
        : { name: path.slice(4), state: 'SUCCEEDED', result: JSON.stringify({ translated: 'bonjour', n: 7 }) });
    }
    return json(res, 404, { error: { code: 404, message: `no route ${req.method} ${path}` } });
  });
});
afterAll(async () => { await server.close(); });
beforeEach(() => {
  pollsUntilDone = 2;
  failOperation = false;
});

const insert = (connectorParams = '') => `
- create:
    call: googleapis.sqladmin.v1beta4.instances.insert
    args:
      project: p
      body:
        name: db1
        settings: {tier: db-f1-micro}
${connectorParams}
    result: op
- r:
    return: \${op}
`;

describe('googleapis.* connectors', () => {
  it('maps the call to the REST request and blocks on the sql operation with the default polling policy', async () => {
    pollsUntilDone = 3;
    const clock = new RecordingClock();
    const op = await result(insert(), null, { clock, connectorBaseUrl: server.url });
    expect(op).toMatchObject({ name: 'op-1', status: 'DONE' });
    const post = server.requests.find((r) => r.method === 'POST' && r.url === '/sql/v1beta4/projects/p/instances');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({ name: 'db1', settings: { tier: 'db-f1-micro' } });
    expect(clock.sleeps).toEqual([1000, 1250, 1562.5]);
  });

  it('honours connector_params.polling_policy', async () => {
    pollsUntilDone = 4;
    const clock = new RecordingClock();
    await result(insert(`      connector_params:
        polling_policy:
          initial_delay: 2
          multiplier: 2
          max_delay: 5`), null, { clock, connectorBaseUrl: server.url });
    expect(clock.sleeps).toEqual([2000, 4000, 5000, 5000]);
  });

  it('raises TimeoutError when the operation outlasts connector_params.timeout', async () => {
    pollsUntilDone = -1;
    const clock = new RecordingClock();
    const start = clock.now().getTime();
    const f = await failure(insert(`      connector_params:
        timeout: 10`), null, { clock, connectorBaseUrl: server.url });
    expect(f.tags).toEqual(['TimeoutError']);
    expect((f.payload as { operation: { status: string } }).operation.status).toBe('RUNNING');
    expect(clock.now().getTime() - start).toBe(10_000);
  });

  it('skip_polling returns the pending operation at once', async () => {
    const clock = new RecordingClock();
    expect(await result(insert(`      connector_params:
        skip_polling: true`), null, { clock, connectorBaseUrl: server.url })).toMatchObject({ status: 'PENDING' });
    expect(clock.sleeps).toEqual([]);
  });

  it('a failed operation raises OperationError with the operation attached', async () => {
    failOperation = true;
    const f = await failure(insert(), null, { connectorBaseUrl: server.url });
    expect(f.tags).toEqual(['OperationError']);
    expect(f.payload).toMatchObject({ operation: { name: 'op-1', status: 'DONE', error: { errors: [{ message: 'disk full' }] } } });
    expect(String((f.payload as { message: string }).message)).toMatch(/disk full/);
  });

  it('API errors raise HttpError with the response body', async () => {
    const f = await failure(`
- g:
    call: googleapis.sqladmin.v1.instances.get
    args: {project: p, instance: missing}
`, null, { connectorBaseUrl: server.url });
    expect(f.tags).toEqual(['HttpError']);
    expect(f.payload).toMatchObject({ code: 404, body: { error: { status: 'NOT_FOUND' } } });
  });

  it('sends the token provider\'s bearer token', async () => {
    expect(await result(`
- g:
    call: googleapis.sqladmin.v1.instances.get
    args: {project: p, instance: db1}
    result: i
- r:
    return: \${i.auth}
`, null, { connectorBaseUrl: server.url, tokenProvider: async () => 'tok-123' })).toBe('Bearer tok-123');
  });

  it('secretmanager accessString decodes the payload, in a call step and positionally in an expression', async () => {
    expect(await result(`
- a:
    call: googleapis.secretmanager.v1.projects.secrets.versions.accessString
    args: {secret_id: s1, project_id: p}
    result: s
- r:
    return: \${[s, googleapis.secretmanager.v1.projects.secrets.versions.accessString("s1", "latest", "p")]}
`, null, { connectorBaseUrl: server.url })).toEqual(['hunter2', 'hunter2']);
  });

  it('storage objects.insert with uploadType media uploads the body to the upload path', async () => {
    expect(await result(`
- u:
    call: googleapis.storage.v1.objects.insert
    args:
      bucket: bkt
      uploadType: media
      name: notes.txt
      body: "hello world"
    result: o
- r:
    return: \${o}
`, null, { connectorBaseUrl: server.url })).toEqual({ bucket: 'bkt', name: 'notes.txt', contentType: 'text/plain; charset=utf-8', size: '11', uploadType: 'media' });
  });

  it('workflowexecutions run creates an execution and waits for its result', async () => {
    const clock = new RecordingClock();
    expect(await result(`
- r:
    call: googleapis.workflowexecutions.v1.projects.locations.workflows.executions.run
    args:
      workflow_id: w
      location: l
      project_id: p
      argument: {text: hello}
    result: out
- ret:
    return: \${out}
`, null, { clock, connectorBaseUrl: server.url })).toEqual({ translated: 'bonjour', n: 7 });
    const created = server.requests.find((r) => r.url === '/v1/projects/p/locations/l/workflows/w/executions');
    expect(JSON.parse(created?.body ?? '{}')).toEqual({ argument: '{"text":"hello"}' });
    expect(clock.sleeps).toEqual([1000, 1250]);
  });

  it('refuses unknown args and unsupported methods with clear errors', async () => {
    expect((await failure(`
- g:
    call: googleapis.sqladmin.v1.instances.get
    args: {project: p, instance: db1, colour: blue}
`, null, { connectorBaseUrl: server.url })).payload).toMatchObject({ tags: ['TypeError'], message: expect.stringMatching(/unexpected argument "colour"/) });
    expect((await failure(`
- g:
    call: googleapis.bigquery.v2.jobs.insert
    args: {projectId: p}
`, null, { connectorBaseUrl: server.url })).payload).toMatchObject({ tags: ['ValueError'], message: expect.stringMatching(/not supported by this engine/) });
    const r = await run(`
- g:
    call: googleapis.sqladmin.v1.instances.get
    args: {project: p}
`, null, { connectorBaseUrl: server.url });
    expect(r.state === 'FAILED' && r.error.payload).toMatch(/missing required argument \\"instance\\"/);
  });
});
