/** Object versions in the Storage simulator: noncurrent generations, versioned listing across pages, rewrite/copy by generation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { StorageSim } from '../../../../../shared/local/gcp-sim/services/storage.ts';

let sim: GcpSim;
let clock: VirtualClock;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, { method, headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: res.status === 204 ? null : await res.json() as any };
};
const put = (bucket: string, name: string, text: string) =>
  fetch(`${sim.url}/upload/storage/v1/b/${bucket}/o?uploadType=media&name=${encodeURIComponent(name)}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'text/plain' }, body: text }).then((r) => r.json() as Promise<any>);

beforeEach(async () => {
  clock = new VirtualClock('2026-03-10T12:00:00Z');
  sim = await startGcpSim({ clock, services: [new StorageSim()] });
  await call('POST', '/storage/v1/b?project=p', { name: 'versioned-b', versioning: { enabled: true } });
});
afterEach(async () => { await sim.close(); });

describe('StorageSim versions', () => {
  it('lists every generation across pages without skipping or repeating one', async () => {
    for (let i = 0; i < 4; i++) { await put('versioned-b', 'a/x.txt', `x${i}`); clock.advance(1000); }
    await put('versioned-b', 'a/y.txt', 'y0');
    await call('DELETE', '/storage/v1/b/versioned-b/o/a%2Fy.txt');
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 20; page++) {
      const res = await call('GET', `/storage/v1/b/versioned-b/o?versions=true&maxResults=2${token ? `&pageToken=${token}` : ''}`);
      seen.push(...(res.body.items ?? []).map((o: any) => `${o.name}#${o.generation}${o.timeDeleted ? ' deleted' : ''}`));
      token = res.body.nextPageToken;
      if (!token) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.filter((s) => s.endsWith('deleted'))).toHaveLength(4);
    expect((await call('GET', '/storage/v1/b/versioned-b/o')).body.items.map((o: any) => o.name)).toEqual(['a/x.txt']);
  });

  it('rewrites and copies a noncurrent generation back as the live object', async () => {
    const first = await put('versioned-b', 'm.pkl', 'good');
    await put('versioned-b', 'm.pkl', 'bad');
    const rewrite = await call('POST', `/storage/v1/b/versioned-b/o/m.pkl/rewriteTo/b/versioned-b/o/m.pkl?sourceGeneration=${first.generation}`, {});
    expect(rewrite.body).toMatchObject({ kind: 'storage#rewriteResponse', done: true, objectSize: '4', resource: { name: 'm.pkl' } });
    const media = await fetch(`${sim.url}/storage/v1/b/versioned-b/o/m.pkl?alt=media`, { headers: { authorization: 'Bearer t' } });
    expect(await media.text()).toBe('good');
    const copied = await call('POST', `/storage/v1/b/versioned-b/o/m.pkl/copyTo/b/versioned-b/o/${encodeURIComponent('copies/m.pkl')}?sourceGeneration=${first.generation}`, {});
    expect(copied.body).toMatchObject({ kind: 'storage#object', name: 'copies/m.pkl', size: '4' });
    expect((await call('POST', '/storage/v1/b/versioned-b/o/m.pkl/rewriteTo/b/versioned-b/o/m.pkl?sourceGeneration=1', {})).status).toBe(404);
  });
});
