/**
 * gcp-sim: one loopback HTTP server that speaks the REST wire format of the Google Cloud
 * APIs the control plane uses. The production adapters (real @google-cloud/* clients with
 * `fallback: 'rest'`) and the workflow engine's connectors talk to it unchanged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../ports/clock.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { checkAccepted, unimplemented } from './accepts.ts';
import { SimError } from './errors.ts';
import { FaultConfigSchema, FaultInjector, FaultRuleSchema } from './faults.ts';
import { Router, type SimRequest, type SimResponse } from './router.ts';
import type { SimContext, SimService } from './service.ts';

export interface GcpSimOptions {
  /** 0 picks a free port. The server always binds 127.0.0.1. */
  port?: number;
  clock?: Clock;
  /** Simulated duration of a long-running operation; default 2000 ms of clock time. */
  operationDurationMs?: number;
  services: SimService[];
  /** Persist state to this JSON file (written after each change and on close). */
  persistFile?: string;
  /** Initial fault rules (the `--faults FILE` contents). */
  faults?: unknown;
  /** Upper bound on request bodies. */
  maxBodyBytes?: number;
}

export interface GcpSim {
  readonly url: string;
  readonly port: number;
  readonly faults: FaultInjector;
  readonly router: Router;
  service<T extends SimService>(name: string): T;
  state(): Record<string, unknown>;
  summary(): Record<string, Record<string, number>>;
  close(): Promise<void>;
}


export async function startGcpSim(options: GcpSimOptions): Promise<GcpSim> {
  const router = new Router();
  const faults = new FaultInjector();
  const services = new Map(options.services.map((s) => [s.name, s]));
  let baseUrl = '';
  let counter = 0;
  const ctx: SimContext = {
    clock: options.clock ?? systemClock,
    operationDurationMs: options.operationDurationMs ?? 2000,
    baseUrl: () => baseUrl,
    newId: (prefix = '') => `${prefix}${randomUUID().replace(/-/g, '').slice(0, 12)}${(++counter).toString(36)}`,
    service: <T extends SimService>(name: string) => services.get(name) as T | undefined,
  };
  for (const service of options.services) service.register(router, ctx);

  if (options.faults !== undefined) {
    for (const rule of FaultConfigSchema.parse(options.faults).faults) faults.add(rule);
  }
  if (options.persistFile && existsSync(options.persistFile)) {
    const saved = JSON.parse(readFileSync(options.persistFile, 'utf8')) as Record<string, unknown>;
    for (const service of options.services) if (saved[service.name] !== undefined) service.restore?.(saved[service.name]);
  }

  const persist = () => {
    if (!options.persistFile) return;
    mkdirSync(dirname(options.persistFile), { recursive: true });
    const tmp = `${options.persistFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshotAll()));
    renameSync(tmp, options.persistFile);
  };
  const snapshotAll = () => Object.fromEntries(options.services.map((s) => [s.name, s.snapshot()]));
  const summaryAll = () => Object.fromEntries(options.services.map((s) => [s.name, s.summary()]));
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, new SimError(500, `gcp-sim internal error: ${(err as Error).message}`).toJSON()));
  });
  // Node 20's global agent keeps sockets alive and reuses them for up to 5 s idle; with the
  // server's default keepAliveTimeout (also 5 s) a request can be written to a socket the server
  // is closing at that instant (EPIPE / ECONNRESET). The server waits longer, so the client always
  // closes idle sockets first, as with Google's front ends.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req, maxBody);
    if (body === null) return send(res, 413, new SimError(413, `Request body exceeds ${maxBody} bytes.`, 'INVALID_ARGUMENT').toJSON());
    const method = (req.method ?? 'GET').toUpperCase();

    if (url.pathname.startsWith('/__sim/')) return admin(method, url.pathname, body, res);

    const matched = router.match(method, url.pathname);
    // An unmodelled method is 501 naming it, never a 404 about an existing resource or a 405.
    if (!matched) return send(res, 501, unimplemented(`${method} ${url.pathname}${customVerb(url.pathname)}.`).toJSON());
    if ('allowed' in matched) return send(res, 501, unimplemented(`${method} on ${url.pathname} (modelled: ${[...new Set(matched.allowed)].join(', ')}).`).toJSON());

    // `/__apps/` serves the stack's own in-cluster apps (ZenML's health endpoint), which are
    // not Google APIs and take no Google bearer token.
    const auth = req.headers.authorization;
    if (!url.pathname.startsWith('/__apps/') && (!auth || !/^Bearer\s+\S+/i.test(auth))) {
      return send(res, 401, new SimError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token.', 'UNAUTHENTICATED', 'required').toJSON());
    }

    const fault = faults.check(matched.route.id, url.pathname);
    if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault.error) return send(res, fault.error.code, fault.error.toJSON());

    let json: unknown;
    const type = String(req.headers['content-type'] ?? '');
    if (body.length > 0 && (type.includes('json') || type === '')) {
      try { json = JSON.parse(body.toString('utf8')); } catch {
        if (type.includes('json')) return send(res, 400, new SimError(400, 'Invalid JSON payload received.', 'INVALID_ARGUMENT', 'parseError').toJSON());
      }
    }
    const simReq: SimRequest = { method, path: url.pathname, params: matched.params, query: url.searchParams, headers: req.headers, body, json };
    let out: SimResponse;
    try {
      checkAccepted(matched.route.id, matched.route.accepts, url.searchParams, req.headers, json);
      out = await matched.route.handler(simReq);
    } catch (err) {
      if (err instanceof SimError) return send(res, err.code, err.toJSON());
      throw err;
    }
    if (method !== 'GET') persist();
    if (out.raw) {
      res.writeHead(out.status ?? 200, { 'content-type': 'application/octet-stream', ...out.headers });
      res.end(out.raw);
      return;
    }
    send(res, out.status ?? 200, out.body ?? {}, out.headers);
  }

  function admin(method: string, path: string, body: Buffer, res: ServerResponse): void {
    if (path === '/__sim/state' && method === 'GET') return send(res, 200, { services: snapshotAll(), faults: faults.list() });
    if (path === '/__sim/summary' && method === 'GET') return send(res, 200, summaryAll());
    if (path === '/__sim/clock' && method === 'GET') return send(res, 200, { now: ctx.clock.now().toISOString() });
    if (path === '/__sim/routes' && method === 'GET') return send(res, 200, router.routes.map((r) => ({ method: r.method, pattern: r.pattern, id: r.id })));
    if (path === '/__sim/faults' && method === 'GET') return send(res, 200, { faults: faults.list() });
    if (path === '/__sim/faults' && method === 'DELETE') { faults.clear(); return send(res, 200, { faults: [] }); }
    if (path === '/__sim/faults' && method === 'POST') {
      let parsed;
      try {
        const raw = JSON.parse(body.toString('utf8')) as unknown;
        parsed = Array.isArray((raw as { faults?: unknown }).faults) ? FaultConfigSchema.parse(raw).faults : [FaultRuleSchema.parse(raw)];
      } catch (err) {
        return send(res, 400, new SimError(400, `Invalid fault rule: ${(err as Error).message}`).toJSON());
      }
      const ids = parsed.map((rule) => faults.add(rule));
      return send(res, 200, { added: ids, faults: faults.list() });
    }
    send(res, 404, new SimError(404, `No admin endpoint ${method} ${path}.`).toJSON());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    faults,
    router,
    service: <T extends SimService>(name: string) => {
      const s = services.get(name);
      if (!s) throw new Error(`gcp-sim has no service ${name}`);
      return s as T;
    },
    state: snapshotAll,
    summary: summaryAll,
    close: async () => {
      persist();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const service of options.services) await service.close?.();
    },
  };
}

/** Names the custom verb of a path (`…/secrets/s:getIamPolicy`), the part a reader looks for. */
function customVerb(path: string): string {
  const verb = /:([A-Za-z]+)$/.exec(path.slice(path.lastIndexOf('/') + 1));
  return verb ? ` (method "${verb[1]}")` : '';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': String(payload.length), ...headers });
  res.end(payload);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooBig = true; else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
