import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TOKEN } from '../../../../../shared/adapters/local/local-auth.ts';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { createDefaultSimServices } from '../../../../../shared/local/gcp-sim/default-services.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { RecordingClock, failure, json, result, serve, type TestServer } from '../helpers.ts';

let server: TestServer;
let flakyCalls = 0;

beforeAll(async () => {
  server = await serve(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    switch (url.pathname) {
      case '/echo':
        return json(res, 200, { method: req.method, query: Object.fromEntries(url.searchParams), body: req.body, contentType: req.headers['content-type'] ?? null, custom: req.headers['x-custom'] ?? null });
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
        return;
      case '/bytes':
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([1, 2, 3]));
        return;
      case '/missing':
        return json(res, 404, { error: 'not here' }, { 'x-trace': 'abc' });
      case '/slow':
        await new Promise((r) => setTimeout(r, 1500));
        return json(res, 200, {});
      case '/flaky':
        flakyCalls++;
        return flakyCalls < 3 ? json(res, 503, { error: 'busy' }) : json(res, 200, { ok: true, calls: flakyCalls });
      default:
        return json(res, 500, { error: 'unexpected path' });
    }
  });
});
afterAll(async () => { await server.close(); });

describe('http.*', () => {
  it('GET sends query and headers and parses a JSON body into {code, headers, body}', async () => {
    const r = await result(`
main:
  params: [base]
  steps:
    - get:
        call: http.get
        args:
          url: \${base + "/echo"}
          headers:
            X-Custom: "yes"
          query:
            some_val: "Hello World"
            another_val: 123
            multi: [1, 2]
        result: resp
    - r:
        return: \${[resp.code, resp.body, resp.headers["Content-Type"]]}
`, server.url);
    expect(r).toEqual([200, { method: 'GET', query: { some_val: 'Hello World', another_val: '123', multi: '2' }, body: '', contentType: null, custom: 'yes' }, 'application/json']);
    expect(server.requests.at(-1)?.url).toBe('/echo?some_val=Hello+World&another_val=123&multi=1&multi=2');
  });

  it('POST JSON-encodes a body without Content-Type; text/plain bodies go as they are', async () => {
    const r = await result(`
main:
  params: [base]
  steps:
    - p1:
        call: http.post
        args:
          url: \${base + "/echo"}
          body: {some_val: "Hello World", another_val: 123, d: 1.5}
        result: a
    - p2:
        call: http.request
        args:
          method: PUT
          url: \${base + "/echo"}
          headers: {Content-Type: "text/plain"}
          body: "raw text"
        result: b
    - r:
        return: \${[a.body.body, a.body.contentType, b.body.method, b.body.body]}
`, server.url);
    expect(r).toEqual(['{"some_val":"Hello World","another_val":123,"d":1.5}', 'application/json; charset=utf-8', 'PUT', 'raw text']);
  });

  it('text bodies come back as strings and other bodies as bytes', async () => {
    expect(await result(`
main:
  params: [base]
  steps:
    - t:
        call: http.get
        args: {url: \${base + "/text"}}
        result: t
    - b:
        call: http.get
        args: {url: \${base + "/bytes"}}
        result: b
    - r:
        return: \${[t.body, type(b.body), len(b.body)]}
`.replace(/\{url: \$\{base \+ "\/(\w+)"\}\}/g, '\n          url: ${base + "/$1"}'), server.url)).toEqual(['plain words', 'bytes', 3]);
  });

  it('a 404 raises HttpError with code, headers and body', async () => {
    const f = await failure(`
main:
  params: [base]
  steps:
    - get:
        call: http.get
        args:
          url: \${base + "/missing"}
`, server.url);
    expect(f.tags).toEqual(['HttpError']);
    expect(f.payload).toMatchObject({ code: 404, body: { error: 'not here' }, headers: { 'X-Trace': 'abc' }, message: 'HTTP server responded with error code 404' });
  });

  it('a refused connection raises ConnectionFailedError (a ConnectionError)', async () => {
    const closed = await serve((_req, res) => json(res, 200, {}));
    const url = closed.url;
    await closed.close();
    const f = await failure(`
main:
  params: [url]
  steps:
    - get:
        call: http.get
        args:
          url: \${url}
`, url);
    expect(f.tags).toEqual(['ConnectionFailedError', 'ConnectionError']);
  });

  it('an expired timeout raises TimeoutError', async () => {
    const f = await failure(`
main:
  params: [base]
  steps:
    - get:
        call: http.get
        args:
          url: \${base + "/slow"}
          timeout: 0.2
`, server.url);
    expect(f.tags).toEqual(['TimeoutError']);
  });

  it('http.default_retry retries real 503 responses with virtual backoff', async () => {
    flakyCalls = 0;
    const clock = new RecordingClock();
    expect(await result(`
main:
  params: [base]
  steps:
    - get:
        try:
          call: http.get
          args:
            url: \${base + "/flaky"}
          result: resp
        retry: \${http.default_retry}
    - r:
        return: \${resp.body}
`, server.url, { clock })).toEqual({ ok: true, calls: 3 });
    expect(clock.sleeps).toEqual([1000, 1250]);
  });

  it('refuses bad arguments with TypeError/ValueError', async () => {
    expect((await failure(`
- get:
    call: http.get
    args:
      url: 42
`)).tags).toContain('TypeError');
    expect((await failure(`
- get:
    call: http.request
    args:
      method: FETCH
      url: http://127.0.0.1:1
`)).tags).toContain('ValueError');
    expect((await failure(`
- get:
    call: http.get
    args:
      url: http://127.0.0.1:1
      unknown_arg: 1
`)).tags).toContain('TypeError');
  });
});

const SERVICE = 'projects/p/locations/us-central1/namespaces/cp/services/argocd';
const PRIVATE_GET = `
main:
  params: [service]
  steps:
    - get:
        call: http.get
        args:
          url: https://argocd.internal.example.com/echo?via=vpc
          private_service_name: \${service}
        result: resp
    - r:
        return: \${resp.body}
`;

describe('http.* with private_service_name (Workflows private network access)', () => {
  it('connects to the Service Directory service\'s endpoint, keeping the URL\'s path and query', async () => {
    const body = await result(PRIVATE_GET, SERVICE, { privateServices: { [SERVICE]: server.url } });
    expect(body).toMatchObject({ method: 'GET', query: { via: 'vpc' } });
  });

  it('an unregistered service raises ConnectionFailedError naming it', async () => {
    const f = await failure(PRIVATE_GET, `${SERVICE}-gone`, { privateServices: { [SERVICE]: server.url } });
    expect(f.tags).toEqual(['ConnectionFailedError', 'ConnectionError']);
    expect(JSON.stringify(f.payload)).toContain(`${SERVICE}-gone is not registered`);
  });

  it('refuses a name that is not a Service Directory service, and a non-string', async () => {
    const bad = await failure(PRIVATE_GET, 'argocd', { privateServices: {} });
    expect(bad.tags).toContain('ValueError');
    expect(JSON.stringify(bad.payload)).toContain('projects/PROJECT/locations/REGION/namespaces/NAMESPACE/services/SERVICE');
    expect((await failure(PRIVATE_GET, 7)).tags).toContain('TypeError');
  });

  it('without a service registry (a flat local network) the call goes to its URL as written', async () => {
    const body = await result(PRIVATE_GET.replace('https://argocd.internal.example.com', server.url), SERVICE);
    expect(body).toMatchObject({ method: 'GET', query: { via: 'vpc' } });
  });
});

describe('http.* to *.googleapis.com when the engine runs against gcp-sim', () => {
  let sim: GcpSim;
  const clock = new VirtualClock('2026-01-01T00:00:00Z');
  beforeAll(async () => {
    sim = await startGcpSim({ clock, services: createDefaultSimServices({ projectId: 'p1', clock }) });
    const rest = (path: string, body: unknown): Promise<Response> => fetch(`${sim.url}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${LOCAL_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    await rest('/v1/projects/p1/secrets?secretId=s1', { replication: { automatic: {} } });
    await rest('/v1/projects/p1/secrets/s1:addVersion', { payload: { data: Buffer.from('sesame').toString('base64') } });
  });
  afterAll(async () => { await sim?.close(); });

  const access = (auth: string): string => `
- get:
    call: http.get
    args:
      url: https://secretmanager.googleapis.com/v1/projects/p1/secrets/s1/versions/1:access
${auth}
    result: r
- done:
    return: \${text.decode(base64.decode(r.body.payload.data))}
`;
  const againstSim = (): { clock: VirtualClock; connectorBaseUrl: string; tokenProvider: () => Promise<string> } => ({ clock, connectorBaseUrl: sim.url, tokenProvider: async () => LOCAL_TOKEN });

  it('goes to gcp-sim with the execution\'s token when the call has auth', async () => {
    expect(await result(access('      auth:\n        type: OAuth2'), null, againstSim())).toBe('sesame');
  });

  it('carries no token without auth, so gcp-sim answers 401 as the API would', async () => {
    const f = await failure(access(''), null, againstSim());
    expect(f.tags).toEqual(['HttpError']);
    expect(f.payload).toMatchObject({ code: 401 });
  });

  it('leaves other hosts alone', async () => {
    const r = await result(`
main:
  params: [base]
  steps:
    - get:
        call: http.get
        args:
          url: \${base + "/echo"}
        result: resp
    - done:
        return: \${resp.body.method}
`, server.url, againstSim());
    expect(r).toBe('GET');
  });
});
