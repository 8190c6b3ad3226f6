/**
 * A loopback proxy that records every request an adapter sends (method, path, query, body)
 * and forwards it to gcp-sim, so wire-format tests can compare what the real client put on
 * the wire with fixtures taken from Google's API reference. Location headers (resumable upload
 * sessions) are rewritten to point back at the proxy, so follow-up requests are recorded too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON; the raw text otherwise; undefined when empty. */
  body?: unknown;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  let ownUrl = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const contentType = req.headers['content-type'];
        let body: unknown;
        if (raw.length) {
          body = raw.toString('utf8');
          if (String(contentType ?? '').includes('json')) {
            try { body = JSON.parse(body as string); } catch { /* keep the text: the test will show it */ }
          }
        }
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
        requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), contentType, headers, body });
        const forwardHeaders = new Headers();
        for (const [k, v] of Object.entries(headers)) if (k !== 'host' && k !== 'content-length' && k !== 'connection' && k !== 'transfer-encoding') forwardHeaders.set(k, v);
        const upstream = await fetch(`${target}${url.pathname}${url.search}`, {
          method: req.method,
          headers: forwardHeaders,
          body: raw.length && req.method !== 'GET' && req.method !== 'HEAD' ? raw : undefined,
        });
        const out = Buffer.from(await upstream.arrayBuffer());
        const outHeaders: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (k === 'content-length' || k === 'transfer-encoding' || k === 'content-encoding' || k === 'connection') return;
          outHeaders[k] = k === 'location' ? v.replace(target, ownUrl) : v;
        });
        outHeaders['content-length'] = String(out.length);
        res.writeHead(upstream.status, outHeaders);
        res.end(out);
      })().catch((err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recording proxy: ${(err as Error).message}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ownUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: ownUrl,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
