/**
 * A sweep over every route of the default gcp-sim (the route table read from the running server,
 * not a hand list): an unknown query parameter, an unknown body field (top level and nested), an
 * unknown HTTP method and an unknown custom verb each answer 501 naming what is not modelled, and
 * nothing of the simulator's state changes. No probe may get a 2xx.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { unknownField, type FieldSpec } from '../../../../shared/local/gcp-sim/accepts.ts';
import { createDefaultSimServices } from '../../../../shared/local/gcp-sim/default-services.ts';
import type { Route } from '../../../../shared/local/gcp-sim/router.ts';
import { startGcpSim, type GcpSim } from '../../../../shared/local/gcp-sim/server.ts';
import { PubsubSim } from '../../../../shared/local/gcp-sim/services/pubsub.ts';
import { startPubsubEmulator, type PubsubEmulator } from '../../../../shared/local/pubsub/emulator.ts';

const PROBE = 'zzUnmodelled';
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
let sim: GcpSim;
let emulator: PubsubEmulator;
let pubsub: PubsubSim;
const dir = mkdtempSync(join(tmpdir(), 'sweep-'));

beforeAll(async () => {
  emulator = await startPubsubEmulator({ port: 0 });
  pubsub = new PubsubSim(emulator);
  const services = [...createDefaultSimServices({ projectId: 'sweep', clock: new VirtualClock('2026-05-01T00:00:00Z'), workflowsDir: dir }), pubsub];
  sim = await startGcpSim({ clock: new VirtualClock('2026-05-01T00:00:00Z'), services });
});
afterAll(async () => {
  await sim?.close();
  await pubsub?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A concrete path for a pattern: each variable becomes a plausible id. */
const concrete = (pattern: string) => pattern.replace(/\{([^}=]+)(=\*\*)?\}/g, (_, name: string) => `zz-${name.toLowerCase()}`);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; message: string }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: 'Bearer sweep', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let message = text;
  try { message = JSON.parse(text).error?.message ?? text; } catch { /* not JSON */ }
  return { status: res.status, message };
}

/** Every body probe for a spec: an unknown top-level field, and one inside each nested message. */
function bodyProbes(spec: FieldSpec): Array<{ body: unknown; names: string }> {
  const probes: Array<{ body: unknown; names: string }> = [{ body: { [PROBE]: 1 }, names: PROBE }];
  if (spec === true) return probes;
  for (const [field, sub] of Object.entries(spec)) {
    if (sub !== true) probes.push({ body: { [field]: { [PROBE]: 1 } }, names: `${field}.${PROBE}` });
  }
  return probes;
}

describe('gcp-sim route sweep: nothing unmodelled is accepted silently', () => {
  const routes = () => sim.router.routes;

  it('discovers the whole route table', () => {
    const services = new Set(routes().map((r) => r.id.split('.')[0]));
    for (const s of ['storage', 'secretmanager', 'sqladmin', 'monitoring', 'cloudbilling', 'artifactregistry', 'workflowexecutions', 'pubsub', 'argocd', 'apps']) expect(services).toContain(s);
    expect(routes().length).toBeGreaterThan(80);
    console.info(`gcp-sim sweep: ${routes().length} routes in ${services.size} services, ${new Set(routes().map((r) => r.pattern)).size} distinct paths`);
  });

  it('an unknown query parameter on any route answers 501 naming it', async () => {
    const before = JSON.stringify(sim.state());
    const wrong: string[] = [];
    for (const route of routes()) {
      const r = await call(route.method, `${concrete(route.pattern)}?${PROBE}=1`);
      const named = route.accepts.refuse ? r.message.includes('does not implement') : r.message.includes(`"${PROBE}"`);
      if (r.status !== 501 || !named) wrong.push(`${route.method} ${route.pattern} (${route.id}): ${r.status} ${r.message}`);
    }
    expect(wrong).toEqual([]);
    expect(JSON.stringify(sim.state())).toBe(before);
  });

  it('an unknown body field, at the top or inside a nested message, answers 501 naming its path', async () => {
    const before = JSON.stringify(sim.state());
    const wrong: string[] = [];
    const unchecked: string[] = [];
    for (const route of routes().filter((r) => r.method !== 'GET' && r.method !== 'DELETE')) {
      const { body, rawBody, refuse } = route.accepts;
      if (rawBody || body === true) { unchecked.push(route.id); continue; }
      for (const probe of bodyProbes(body ?? {})) {
        const r = await call(route.method, concrete(route.pattern), probe.body);
        const named = refuse ? true : body === undefined ? r.message.includes('takes none') : r.message.includes(`"${probe.names}"`);
        if (r.status !== 501 || !named) wrong.push(`${route.method} ${route.pattern} ${JSON.stringify(probe.body)}: ${r.status} ${r.message}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(JSON.stringify(sim.state())).toBe(before);
    // The routes whose body the server cannot check by shape, each for a reason: media bytes
    // (uploads: the handler checks the metadata part), a payload passed through (callbacks,
    // the sim-only write log) or a message checked field by field by its handler (Pub/Sub subscriptions).
    expect([...new Set(unchecked)].sort()).toEqual([
      'pubsub.projects.subscriptions.create', 'sqladmin.sim.writes', 'storage.objects.insert',
      'workflowexecutions.projects.locations.workflows.executions.callbacks.send',
    ]);
  });

  it('the handler-checked bodies refuse unknown fields too', async () => {
    const r = await call('PUT', '/v1/projects/sweep/subscriptions/s1', { topic: 'projects/sweep/topics/t', [PROBE]: 1 });
    expect(r.status).toBe(400);
    expect(r.message).toContain(`Unknown name "${PROBE}"`);
    expect(unknownField({ contentType: 'x', cacheControl: 'no-store' }, { contentType: true }, '')).toBe('cacheControl');
  });

  it('an unmodelled HTTP method or custom verb on any route path answers 501 naming it', async () => {
    const before = JSON.stringify(sim.state());
    const wrong: string[] = [];
    let probes = 0;
    const byPattern = new Map<string, Route[]>();
    for (const route of routes()) byPattern.set(route.pattern, [...(byPattern.get(route.pattern) ?? []), route]);
    for (const [pattern, list] of byPattern) {
      const path = concrete(pattern);
      for (const method of METHODS.filter((m) => !list.some((r) => r.method === m))) {
        const other = sim.router.match(method, path);
        if (other && 'route' in other) continue; // another route's modelled method on an overlapping path
        const r = await call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
        probes++;
        if (r.status !== 501 || !r.message.includes(method)) wrong.push(`${method} ${pattern}: ${r.status} ${r.message}`);
      }
      if (pattern.includes('**}')) continue; // after a glob, ':' is part of an object name
      for (const method of ['GET', 'POST']) {
        const r = await call(method, `${path}:zzVerb`, method === 'POST' ? {} : undefined);
        probes++;
        if (r.status !== 501 || !r.message.includes('"zzVerb"')) wrong.push(`${method} ${pattern}:zzVerb: ${r.status} ${r.message}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(JSON.stringify(sim.state())).toBe(before);
    console.info(`gcp-sim sweep: ${probes} unknown-method and custom-verb probes, all 501`);
  });

  it('IAM methods on an existing secret, PUT and an unmodelled update_mask name what is missing, not "Secret not found"', async () => {
    expect((await call('POST', '/v1/projects/sweep/secrets?secretId=s', { replication: { automatic: {} } })).status).toBe(200);
    const iam = await call('GET', '/v1/projects/sweep/secrets/s:getIamPolicy');
    expect(iam).toMatchObject({ status: 501, message: expect.stringContaining('"getIamPolicy"') });
    const setIam = await call('POST', '/v1/projects/sweep/secrets/s:setIamPolicy', { policy: {} });
    expect(setIam).toMatchObject({ status: 501, message: expect.stringContaining('"setIamPolicy"') });
    const put = await call('PUT', '/v1/projects/sweep/secrets/s', { labels: { a: 'b' } });
    expect(put).toMatchObject({ status: 501, message: expect.stringContaining('PUT') });
    const patch = await call('PATCH', '/v1/projects/sweep/secrets/s?updateMask=expireTime', {});
    expect(patch).toMatchObject({ status: 501, message: expect.stringContaining('"expireTime"') });
    const ttl = await call('POST', '/v1/projects/sweep/secrets?secretId=t', { replication: { automatic: {} }, ttl: '60s' });
    expect(ttl).toMatchObject({ status: 501, message: expect.stringContaining('"ttl"') });
  });
});
