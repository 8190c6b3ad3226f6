import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { startGcpSim, type GcpSim } from '../../../../../shared/local/gcp-sim/server.ts';
import { ArtifactRegistrySim } from '../../../../../shared/local/gcp-sim/services/artifactregistry.ts';

const PARENT = '/v1/projects/p1/locations/europe-west1';
const INT = `$alt=${encodeURIComponent('json;enum-encoding=int')}`;

describe('gcp-sim Artifact Registry v1 (REST)', () => {
  let sim: GcpSim;
  const clock = new VirtualClock('2026-02-01T00:00:00Z');

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: 'Bearer t', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  }
  const create = (id: string, body: unknown = { format: 'DOCKER' }) => call('POST', `${PARENT}/repositories?repositoryId=${id}`, body);
  const opPath = (name: string) => `/v1/${name}`;

  beforeAll(async () => {
    sim = await startGcpSim({ services: [new ArtifactRegistrySim()], clock, operationDurationMs: 4000 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.service<ArtifactRegistrySim>('artifactregistry').restore({ repositories: [], operations: [] });
  });

  it('creates a repository as a long-running operation that completes after the simulated duration', async () => {
    const op = await create('team-a', { format: 'DOCKER', description: 'Team A', labels: { team: 'a' } });
    expect(op.status).toBe(200);
    expect(op.json).toEqual({
      name: expect.stringMatching(/^projects\/p1\/locations\/europe-west1\/operations\/[^/]+$/),
      metadata: { '@type': 'type.googleapis.com/google.devtools.artifactregistry.v1.OperationMetadata' },
      done: false,
    });
    expect((await call('GET', `${PARENT}/repositories/team-a`)).status).toBe(404);
    clock.advance(3999);
    expect((await call('GET', opPath(op.json.name))).json.done).toBe(false);
    clock.advance(1);
    const done = await call('GET', opPath(op.json.name));
    expect(done.json).toMatchObject({
      done: true,
      response: {
        '@type': 'type.googleapis.com/google.devtools.artifactregistry.v1.Repository',
        name: 'projects/p1/locations/europe-west1/repositories/team-a', format: 'DOCKER', mode: 'STANDARD_REPOSITORY',
        description: 'Team A', labels: { team: 'a' }, registryUri: 'europe-west1-docker.pkg.dev/p1/team-a',
      },
    });
    expect((await call('GET', `${PARENT}/repositories/team-a`)).json).toMatchObject({ name: 'projects/p1/locations/europe-west1/repositories/team-a', format: 'DOCKER', createTime: '2026-02-01T00:00:00.000Z' });
  });

  it('accepts the format as an enum name or number and answers in the encoding asked for', async () => {
    const op = await call('POST', `${PARENT}/repositories?repositoryId=by-number&${INT}`, { format: 1 });
    expect(op.status).toBe(200);
    clock.advance(4000);
    expect((await call('GET', `${PARENT}/repositories/by-number?${INT}`)).json).toMatchObject({ format: 1, mode: 1 });
    expect((await call('GET', `${PARENT}/repositories/by-number`)).json).toMatchObject({ format: 'DOCKER', mode: 'STANDARD_REPOSITORY' });
  });

  it('validates the request with clear 400s and refuses duplicates, even while the first create runs', async () => {
    expect((await call('POST', `${PARENT}/repositories`, { format: 'DOCKER' })).json.error.message).toContain('repository_id');
    expect((await create('Bad_Id')).json.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect((await create('no-format', {})).json.error.message).toContain('repository format');
    expect((await create('bad-format', { format: 'ZIP' })).json.error.message).toContain('"ZIP" is not one of');
    expect((await create('bad-labels', { format: 'DOCKER', labels: { X: 'y' } })).status).toBe(400);
    await create('dup');
    const again = await create('dup');
    expect(again.status).toBe(409);
    expect(again.json.error).toEqual({ code: 409, message: 'the repository already exists', status: 'ALREADY_EXISTS' });
  });

  it('lists repositories per location with pagination', async () => {
    for (const id of ['r-a', 'r-b', 'r-c']) await create(id);
    await call('POST', '/v1/projects/p1/locations/us-central1/repositories?repositoryId=r-us', { format: 'DOCKER' });
    clock.advance(4000);
    const p1 = await call('GET', `${PARENT}/repositories?pageSize=2`);
    expect(p1.json.repositories.map((r: any) => r.name.split('/').pop())).toEqual(['r-a', 'r-b']);
    const p2 = await call('GET', `${PARENT}/repositories?pageSize=2&pageToken=${p1.json.nextPageToken}`);
    expect(p2.json.repositories.map((r: any) => r.name.split('/').pop())).toEqual(['r-c']);
    expect(p2.json.nextPageToken).toBeUndefined();
    expect((await call('GET', `${PARENT}/repositories?filter=name%3Dx`)).status).toBe(501);
  });

  it('deletes as a long-running operation whose response is google.protobuf.Empty', async () => {
    await create('gone');
    clock.advance(4000);
    const op = await call('DELETE', `${PARENT}/repositories/gone`);
    expect(op.json.done).toBe(false);
    expect((await call('GET', `${PARENT}/repositories/gone`)).status).toBe(200);
    clock.advance(4000);
    expect((await call('GET', opPath(op.json.name))).json).toMatchObject({ done: true, response: { '@type': 'type.googleapis.com/google.protobuf.Empty' } });
    expect((await call('GET', `${PARENT}/repositories/gone`)).status).toBe(404);
    expect((await call('DELETE', `${PARENT}/repositories/gone`)).status).toBe(404);
    expect((await call('GET', `${PARENT}/operations/unknown`)).status).toBe(404);
  });

  it('can end the next operation in error, without effect', async () => {
    sim.service<ArtifactRegistrySim>('artifactregistry').failNextOperation({ code: 9, message: 'nope' });
    const op = await create('fails');
    clock.advance(4000);
    const done = await call('GET', opPath(op.json.name));
    expect(done.json).toMatchObject({ done: true, error: { code: 9, message: 'nope' } });
    expect(done.json.response).toBeUndefined();
    expect((await call('GET', `${PARENT}/repositories/fails`)).status).toBe(404);
    expect(() => sim.service<ArtifactRegistrySim>('artifactregistry').failNextOperation({ code: 99, message: 'x' })).toThrow('gRPC status code');
  });

  it('snapshots, restores and summarises, including running operations', async () => {
    await create('snap');
    const ar = sim.service<ArtifactRegistrySim>('artifactregistry');
    expect(ar.summary()).toEqual({ repositories: 0, operations: 1, operationsRunning: 1 });
    const snap = JSON.parse(JSON.stringify(ar.snapshot()));
    ar.restore({ repositories: [], operations: [] });
    ar.restore(snap);
    clock.advance(4000);
    expect(ar.summary()).toEqual({ repositories: 1, operations: 1, operationsRunning: 0 });
    expect(() => ar.restore({})).toThrow(/expected \{repositories/);
  });
});
