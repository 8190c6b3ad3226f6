/**
 * Stand-ins for the public hosts the Google samples call (example.com, timeapi.io, wikipedia, Google APIs called
 * through http.*): one loopback server plus a fetch that sends every non-loopback URL to it, keeping method,
 * path, query, headers and body, and naming the original host in `x-original-host`. Responses keep the shape of
 * the real service's response. Paths listed in `unreachable` go to a closed loopback port instead, for real
 * connection failures.
 */
import type { ServerResponse } from 'node:http';
import { serve, type Received, type TestServer } from '../shared/local/workflow-engine/helpers.ts';

export interface FakeRequest extends Received {
  host: string;
  path: string;
  query: Record<string, string>;
}

export type Route = (req: FakeRequest) => { status?: number; json?: unknown; text?: string; contentType?: string } | undefined;

export interface FakeInternet {
  fetch: typeof fetch;
  requests: FakeRequest[];
  route(r: Route): void;
  unreachable: Set<string>;
  close(): Promise<void>;
}

export async function startFakeInternet(): Promise<FakeInternet> {
  let route: Route = () => undefined;
  const requests: FakeRequest[] = [];
  const unreachable = new Set<string>();
  const server: TestServer = await serve((req, res: ServerResponse) => {
    const url = new URL(req.url, 'http://fake');
    const fake: FakeRequest = {
      ...req,
      host: String(req.headers['x-original-host'] ?? ''),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
    };
    requests.push(fake);
    const answer = route(fake);
    if (!answer) {
      res.writeHead(599, { 'content-type': 'text/plain' }).end(`no fake route for ${fake.method} ${fake.host}${fake.path}`);
      return;
    }
    const status = answer.status ?? 200;
    if (answer.text !== undefined) res.writeHead(status, { 'content-type': answer.contentType ?? 'text/plain' }).end(answer.text);
    else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json ?? null));
  });
  const closedPort = await serve(() => undefined);
  const deadUrl = closedPort.url;
  await closedPort.close();

  const fakeFetch: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname === '127.0.0.1') return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('x-original-host', url.host);
    const base = unreachable.has(url.pathname) ? deadUrl : server.url;
    return fetch(`${base}${url.pathname}${url.search}`, { ...init, headers });
  };
  return {
    fetch: fakeFetch,
    requests,
    route: (r) => { route = r; requests.length = 0; },
    unreachable,
    close: () => server.close(),
  };
}
