/**
 * bucket-restore.yaml on the local engine against gcp-sim: objects are written, overwritten and
 * deleted through the real @google-cloud/storage client (the production adapter); the workflow
 * puts the bucket (or a prefix) back to its state at T from noncurrent generations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GcpObjectStore } from '../../shared/adapters/gcp/object-store.ts';
import { localSimulatorAuth } from '../../shared/adapters/local/local-auth.ts';
import type { FaultRule } from '../../shared/local/gcp-sim/faults.ts';
import { PROJECT, failureOf, resultOf, startWorkflowStack, type WorkflowStack } from './harness.ts';

const BUCKET = `${PROJECT}-ws-team-alpha-artifacts`;
const MINUTE = 60_000;
let stack: WorkflowStack;
let objects: GcpObjectStore;
let T: string;

async function live(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of await objects.listObjects(BUCKET)) out[o.name] = (await objects.getObject(BUCKET, o.name))!.toString('utf8');
  return out;
}

beforeEach(async () => {
  stack = await startWorkflowStack();
  objects = new GcpObjectStore({ projectId: PROJECT, region: 'us-central1', simulatorUrl: stack.sim.url, simulatorAuth: localSimulatorAuth() }, stack.clock);
  await objects.createBucket({ name: BUCKET, location: 'US', versioning: true, labels: {}, uniformBucketLevelAccess: true });
  for (const name of ['model.pkl', 'runs/1/metrics.json', 'runs/1/params.json', 'runs/2/metrics.json']) await objects.putObject(BUCKET, name, `${name} v1`);
  stack.clock.advance(10 * MINUTE);
  T = stack.clock.now().toISOString();
  stack.clock.advance(10 * MINUTE);
  await objects.putObject(BUCKET, 'model.pkl', 'model.pkl v2 (bad)');
  await objects.putObject(BUCKET, 'runs/1/metrics.json', 'runs/1/metrics.json v2 (bad)');
  await objects.deleteObject(BUCKET, 'runs/1/params.json');
  await objects.putObject(BUCKET, 'runs/3/metrics.json', 'written after T');
});
afterEach(async () => { await stack.close(); });

const AT_T = {
  'model.pkl': 'model.pkl v1', 'runs/1/metrics.json': 'runs/1/metrics.json v1', 'runs/1/params.json': 'runs/1/params.json v1', 'runs/2/metrics.json': 'runs/2/metrics.json v1',
};

describe('bucket-restore.yaml', () => {
  it('a dry run plans from every page of versions and changes nothing', async () => {
    const before = await live();
    const result = resultOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: T, dryRun: true, pageSize: 2 }));
    expect(result).toMatchObject({ status: 'planned', counts: { restore: 3, delete: 1, unchanged: 1 }, versionsListed: 7, applied: { restored: 0, deleted: 0 } });
    expect(result.changes.map((c: { name: string; action: string }) => `${c.action} ${c.name}`).sort()).toEqual([
      'delete runs/3/metrics.json', 'restore model.pkl', 'restore runs/1/metrics.json', 'restore runs/1/params.json',
    ]);
    expect(await live()).toEqual(before);
    expect(stack.events.map((e) => e.kind)).toEqual(['BucketRestorePlanned']);
  });

  it('restores the whole bucket to its state at T, keeping what it replaced as versions', async () => {
    const result = resultOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: T, pageSize: 3 }));
    expect(result).toMatchObject({ status: 'restored', applied: { restored: 3, deleted: 1 } });
    expect(await live()).toEqual(AT_T);
    // Nothing is lost: the bad versions and the object written after T are noncurrent generations now.
    const versions = await objects.listObjectVersions(BUCKET);
    expect(versions.filter((v) => v.timeDeleted).map((v) => v.name).sort()).toEqual(
      ['model.pkl', 'model.pkl', 'runs/1/metrics.json', 'runs/1/metrics.json', 'runs/1/params.json', 'runs/3/metrics.json'].sort(),
    );
    expect(stack.events.map((e) => e.kind)).toEqual(['BucketRestorePlanned', 'BucketRestoreCompleted']);
    // A second restore to the same T finds nothing to do.
    const again = resultOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: T }));
    expect(again.counts).toEqual({ restore: 0, delete: 0, unchanged: 4 });
  });

  it('restores only a prefix', async () => {
    resultOf(await stack.run('bucket-restore', { bucket: BUCKET, prefix: 'runs/1/', pointInTime: T }));
    expect(await live()).toEqual({ ...AT_T, 'model.pkl': 'model.pkl v2 (bad)', 'runs/3/metrics.json': 'written after T' });
  });

  it('the production adapter copies a noncurrent generation back too', async () => {
    const v1 = (await objects.listObjectVersions(BUCKET, { prefix: 'model.pkl' })).find((v) => v.timeDeleted)!;
    const copied = await objects.copyObjectVersion(BUCKET, 'model.pkl', v1.generation!);
    expect(copied.generation).not.toBe(v1.generation);
    expect((await objects.getObject(BUCKET, 'model.pkl'))!.toString()).toBe('model.pkl v1');
  });

  describe('fault matrix', () => {
    const transient: Array<[string, FaultRule]> = [
      ['buckets.get 503', { method: 'storage.buckets.get', times: 1, code: 503 }],
      ['objects.list 503', { method: 'storage.objects.list', times: 2, code: 503 }],
      ['objects.rewrite 503', { method: 'storage.objects.rewrite', times: 1, code: 503 }],
      ['objects.delete 429', { method: 'storage.objects.delete', times: 1, code: 429 }],
    ];
    for (const [name, rule] of transient) {
      it(`transient ${name} converges`, async () => {
        stack.fault(rule);
        resultOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: T, pageSize: 2 }));
        expect(stack.sim.faults.list()).toEqual([]);
        expect(await live()).toEqual(AT_T);
      });
    }
    const permanent: Array<[string, FaultRule, string]> = [
      ['buckets.get 404', { method: 'storage.buckets.get', code: 404, message: 'no bucket by test' }, 'read-bucket'],
      ['objects.list 403', { method: 'storage.objects.list', code: 403, message: 'denied by test' }, 'plan'],
      ['objects.rewrite 403', { method: 'storage.objects.rewrite', code: 403, message: 'denied by test' }, 'apply'],
    ];
    for (const [name, rule, step] of permanent) {
      it(`permanent ${name} fails clearly at ${step}`, async () => {
        stack.fault(rule);
        const failure = failureOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: T }));
        expect(failure).toMatchObject({ failedStep: step, bucket: BUCKET });
        expect(failure.message).toMatch(/denied by test|no bucket by test/);
      });
    }

    it('refuses a bucket without versioning, a future T and a bad name', async () => {
      await objects.createBucket({ name: 'plain-bucket', location: 'US', versioning: false, labels: {}, uniformBucketLevelAccess: true });
      expect(failureOf(await stack.run('bucket-restore', { bucket: 'plain-bucket', pointInTime: T })).message).toMatch(/does not have versioning enabled/);
      expect(failureOf(await stack.run('bucket-restore', { bucket: BUCKET, pointInTime: '2099-01-01T00:00:00Z' })).message).toMatch(/in the future/);
      expect(failureOf(await stack.run('bucket-restore', { bucket: '../x', pointInTime: T })).message).toMatch(/bucket name/);
    });
  });
});
