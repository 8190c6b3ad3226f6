/**
 * The handler runtime's cost per message (decode → validate → claim → lease → run record →
 * audit → status event), as a ratio against a no-op handler driven by the same harness:
 * both go through functions-framework over loopback HTTP, and both in-process, so the ratio
 * isolates what the runtime adds.
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { http as registerHttp } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { openSqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import { systemClock } from '../../runtime/system-clock.ts';
import { decodeDelivery } from '../../events/envelope.ts';
import { provisioningFlow as realProvisioningFlow } from '../../flows/definitions.ts';
import type { FlowDefinition } from '../../runtime/flow.ts';
import type { Publisher } from '../../ports/publisher.ts';
import { loadConfig } from '../../runtime/config.ts';
import type { RuntimeDeps } from '../../runtime/flow.ts';
import { createLogger } from '../../runtime/logger.ts';
import { processDelivery } from '../../runtime/pipeline.ts';

export interface OverheadResult {
  messages: number;
  inProcess: { runtimeUsPerMessage: number; noopUsPerMessage: number; ratio: number };
  http: { runtimeUsPerMessage: number; noopUsPerMessage: number; ratio: number };
}

const nullPublisher: Publisher = { publish: async () => '0' };

/**
 * The real provisioning decoder, schema and keys, with an `act` that records the run and stops:
 * the benchmark measures what the runtime adds around a flow, not the flow's cloud calls.
 */
const provisioningFlow: FlowDefinition<any> = {
  ...realProvisioningFlow,
  act: async () => ({ status: 'accepted' }),
};

function pushBody(i: number): Buffer {
  const request = {
    apiVersion: 'stackctl/v1', kind: 'WorkspaceRequest', requestId: `bench-${String(i).padStart(8, '0')}`, action: 'create',
    workspace: `team-${i % 1000}x`, environment: 'dev', requestedBy: 'bench@example.com',
    spec: { labels: { 'cost-center': 'bench' } },
  };
  return Buffer.from(JSON.stringify({
    message: { data: Buffer.from(JSON.stringify(request)).toString('base64'), attributes: {}, messageId: String(i), publishTime: new Date().toISOString() },
    subscription: 'projects/local-project/subscriptions/bench',
  }));
}

const headers = { 'content-type': 'application/json' };

export async function measureHandlerOverhead(messages = 2000): Promise<OverheadResult> {
  const store = openSqliteStateStore(':memory:');
  const deps: RuntimeDeps = {
    config: loadConfig({ LOG_LEVEL: 'silent' }), store, publisher: nullPublisher, clock: systemClock,
    logger: createLogger({ level: 'silent' }),
  };
  const httpCount = Math.min(messages, 1000);
  const bodies = Array.from({ length: 200 + messages + httpCount }, (_, i) => pushBody(i));
  const noop = async (body: Buffer) => decodeDelivery(headers, body);

  // Warm up both paths so JIT and SQLite statement caches are settled before measuring.
  for (let i = 0; i < 200; i++) {
    await noop(bodies[i]!);
    await processDelivery(provisioningFlow, deps, undefined, headers, bodies[i]!);
  }

  let t = performance.now();
  for (let i = 0; i < messages; i++) await noop(bodies[i]!);
  const noopMs = performance.now() - t;
  t = performance.now();
  for (let i = 200; i < messages + 200; i++) await processDelivery(provisioningFlow, deps, undefined, headers, bodies[i]!);
  const runtimeMs = performance.now() - t;

  registerHttp('benchNoop', (req, res) => { decodeDelivery(req.headers, (req as { rawBody?: Buffer }).rawBody ?? req.body); res.status(200).send('ok'); });
  registerHttp('benchRuntime', async (req, res) => {
    const outcome = await processDelivery(provisioningFlow, deps, undefined, req.headers, (req as { rawBody?: Buffer }).rawBody ?? req.body);
    res.status(outcome.ack ? 200 : 503).json(outcome);
  });
  const servers = await Promise.all(['benchNoop', 'benchRuntime'].map(async (name) => {
    const server = getTestServer(name);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
  }));
  const post = async (url: string, body: Buffer) => {
    const res = await fetch(url, { method: 'POST', headers, body: new Uint8Array(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`bench request failed: ${res.status} ${text}`);
  };
  for (let i = 0; i < 100; i++) await post(servers[0]!.url, bodies[i]!);
  t = performance.now();
  for (let i = 0; i < httpCount; i++) await post(servers[0]!.url, bodies[i]!);
  const httpNoopMs = performance.now() - t;
  t = performance.now();
  for (let i = messages + 200; i < messages + 200 + httpCount; i++) await post(servers[1]!.url, bodies[i]!);
  const httpRuntimeMs = performance.now() - t;

  for (const { server } of servers) {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
  await store.close();

  const us = (ms: number, n: number) => Math.round((ms * 1000) / n * 10) / 10;
  return {
    messages,
    inProcess: { runtimeUsPerMessage: us(runtimeMs, messages), noopUsPerMessage: us(noopMs, messages), ratio: round(runtimeMs / noopMs) },
    http: { runtimeUsPerMessage: us(httpRuntimeMs, httpCount), noopUsPerMessage: us(httpNoopMs, httpCount), ratio: round(httpRuntimeMs / httpNoopMs) },
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
