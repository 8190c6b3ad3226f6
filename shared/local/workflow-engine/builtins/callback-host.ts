/**
 * The loopback HTTP server behind events.create_callback_endpoint: each endpoint is a real URL on 127.0.0.1 in
 * the shape of the Workflow Executions callback URL. Requests that arrive before events.await_callback waits
 * are queued, so nothing is lost.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fromJsonText, newMap, type WfMap, type WfValue } from '../values.ts';

interface Endpoint {
  method: string;
  queue: WfMap[];
  waiters: ((event: WfMap) => void)[];
}

const MAX_BODY_BYTES = 1024 * 1024;

export class CallbackHost {
  private readonly endpoints = new Map<string, Endpoint>();
  private server?: Server;
  private baseUrl?: string;

  constructor(private readonly now: () => Date) {}

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => { this.handle(req, res).catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); }); });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    server?.closeAllConnections();
  }

  /** Base URL of the callback server once started; a callback's URL is `${url}/v1/${callback name}`. */
  get url(): string | undefined {
    return this.baseUrl;
  }

  /**
   * The endpoints created under `path` (an execution's `/v1/projects/…/executions/{id}`), ordered by id, for
   * Workflow Executions callbacks.list: how many steps wait on each, and the payloads queued for none.
   */
  list(path: string): Array<{ name: string; method: string; waiters: number; availablePayloads: string[] }> {
    const prefix = `${path}/callbacks/`;
    return [...this.endpoints.entries()]
      .filter(([id]) => id.startsWith(prefix))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, e]) => ({ name: id.replace(/^\/v1\//, ''), method: e.method, waiters: e.waiters.length, availablePayloads: e.queue.map((q) => JSON.stringify(q)) }));
  }

  /** Registers an endpoint and returns its URL. */
  create(path: string, method: string): string {
    if (!this.baseUrl) throw new Error('callback host not started');
    const id = `${path}/callbacks/${randomUUID()}`;
    this.endpoints.set(id, { method: method.toUpperCase(), queue: [], waiters: [] });
    return `${this.baseUrl}${id}`;
  }

  /**
   * Waits for the next request sent to `url` (a queued one first); `cancel` withdraws the wait so a later request
   * stays queued. Undefined when the URL is not one of ours.
   */
  wait(url: string): { event: Promise<WfMap>; cancel(): void } | undefined {
    const endpoint = this.endpoints.get(this.pathOf(url));
    if (!endpoint) return undefined;
    const queued = endpoint.queue.shift();
    if (queued) return { event: Promise.resolve(queued), cancel: () => undefined };
    let waiter: ((e: WfMap) => void) | undefined;
    const event = new Promise<WfMap>((resolve) => { waiter = resolve; endpoint.waiters.push(resolve); });
    return {
      event,
      cancel: () => {
        const i = endpoint.waiters.indexOf(waiter as (e: WfMap) => void);
        if (i >= 0) endpoint.waiters.splice(i, 1);
      },
    };
  }

  private pathOf(url: string): string {
    try {
      return new URL(url).pathname;
    } catch {
      return url;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const endpoint = this.endpoints.get(url.pathname);
    if (!endpoint) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 404, message: 'callback not found' } }));
      return;
    }
    if ((req.method ?? 'GET').toUpperCase() !== endpoint.method) {
      res.writeHead(405, { 'content-type': 'application/json', allow: endpoint.method })
        .end(JSON.stringify({ error: { code: 405, message: `this callback accepts ${endpoint.method} only` } }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    let body: WfValue = text.length ? text : null;
    if (text.length && contentType.includes('json')) {
      try { body = fromJsonText(text); } catch { body = text; }
    }
    const headers = newMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query = newMap();
    for (const [k, v] of url.searchParams) query[k] = v;
    const httpRequest = newMap();
    httpRequest.body = body;
    httpRequest.headers = headers;
    httpRequest.method = req.method ?? 'GET';
    httpRequest.query = query;
    httpRequest.url = `${url.pathname}${url.search}`;
    const event = newMap();
    event.http_request = httpRequest;
    event.received_time = this.now().toISOString();
    event.type = 'HTTP';
    const waiter = endpoint.waiters.shift();
    if (waiter) waiter(event);
    else endpoint.queue.push(event);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
