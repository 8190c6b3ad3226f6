/** Shared test helpers: run YAML in virtual time, record the clock's sleeps, serve loopback HTTP. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../../shared/ports/clock.ts';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { loadWorkflow, runWorkflow, type ExecutionResult, type LoadOptions, type RunOptions } from '../../../../shared/local/workflow-engine/index.ts';

/** A VirtualClock that remembers every sleep duration (ms), so tests can assert backoff sequences. */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  readonly inner = new VirtualClock('2026-01-01T00:00:00Z');
  now(): Date {
    return this.inner.now();
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return this.inner.sleep(ms);
  }
}

export async function run(yaml: string, argument: unknown = null, options: RunOptions & { load?: LoadOptions } = {}): Promise<ExecutionResult> {
  const program = loadWorkflow(yaml, 'test.yaml', options.load);
  return runWorkflow(program, argument, { clock: new VirtualClock('2026-01-01T00:00:00Z'), ...options });
}

/** The result of a run that must succeed (fails the test with the error otherwise). */
export async function result(yaml: string, argument: unknown = null, options: RunOptions & { load?: LoadOptions } = {}): Promise<unknown> {
  const r = await run(yaml, argument, options);
  if (r.state !== 'SUCCEEDED') throw new Error(`expected SUCCEEDED, got ${r.state}: ${JSON.stringify(r.state === 'FAILED' ? r.error : r)}`);
  return r.result;
}

/** The raised value of a run that must fail. */
export async function failure(yaml: string, argument: unknown = null, options: RunOptions & { load?: LoadOptions } = {}): Promise<{ tags: string[]; payload: unknown; value: unknown; context: string }> {
  const r = await run(yaml, argument, options);
  if (r.state !== 'FAILED') throw new Error(`expected FAILED, got ${r.state}: ${JSON.stringify(r)}`);
  return { tags: r.error.tags ?? [], payload: JSON.parse(r.error.payload) as unknown, value: r.errorValue, context: r.error.context };
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestServer {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering with `handler`; it records every request. */
export async function serve(handler: (req: Received, res: ServerResponse) => void | Promise<void>): Promise<TestServer> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      Promise.resolve(handler(r, res)).catch((err: unknown) => { res.writeHead(500).end(String(err)); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
