/**
 * `export`: a gzip SQL dump of every user database to the exports bucket in the backup region,
 * at `<instance>/<yyyy>/<mm>/<dd>/<instance>-<slot>.sql.gz`, then checked: the object exists, is
 * not empty, its bytes match its MD5 (and gzip's own CRC), and every database is in it. A
 * redelivery that finds the object already written only checks it again.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { exportObjectName } from '../../../domain/backups/names.ts';
import type { StoredObject } from '../../../ports/object-store.ts';
import { PermanentError } from '../../../runtime/errors.ts';
import type { ActOutcome } from '../../../runtime/flow.ts';
import type { TaskBase, TaskContext } from '../context.ts';
import { retryTransient } from '../errors.ts';
import { awaitAutomatedWindow, requireInstance } from './instance.ts';

/** Databases Cloud SQL keeps for itself; never part of an export of "all user databases". */
const SYSTEM_DATABASES = new Set(['mysql', 'information_schema', 'performance_schema', 'sys', 'postgres', 'cloudsqladmin', 'template0', 'template1']);

export async function runExport(ctx: TaskContext<'export'>): Promise<ActOutcome> {
  const { sql, objects, settings } = ctx.deps;
  const clock = ctx.act.deps.clock;
  const options = ctx.task.options;
  const bucketName = options.bucket ?? settings.exportsBucket;
  const bucket = await retryTransient(clock, () => objects.getBucket(bucketName));
  if (!bucket) throw new PermanentError(`exports bucket ${bucketName} does not exist`, { where: 'read-bucket', code: 404 });
  if (bucket.location.toLowerCase() !== settings.backupRegion.toLowerCase()) {
    throw new PermanentError(`exports bucket ${bucketName} is in ${bucket.location}, not in the backup region ${settings.backupRegion}`, { where: 'read-bucket' });
  }
  const instance = await requireInstance(ctx);
  const name = exportObjectName(instance.name, ctx.slot);
  const uri = `gs://${bucketName}/${name}`;
  let databases = options.databases?.split(',') ?? [];
  if (databases.length === 0) {
    databases = (await retryTransient(clock, () => sql.listDatabases(instance.name))).map((d) => d.name).filter((d) => !SYSTEM_DATABASES.has(d)).sort();
    if (databases.length === 0) throw new PermanentError(`instance ${instance.name} has no user databases to export`, { where: 'list-databases' });
  }

  let object = await retryTransient(clock, () => objects.statObject(bucketName, name));
  if (object && object.size > 0) {
    await ctx.step('export', `${uri} already written (${object.size} bytes); checking it again`);
  } else {
    await awaitAutomatedWindow(ctx, instance);
    const started = clock.now();
    await retryTransient(clock, async () => {
      // The export may have finished during a failed attempt's wait: do not run it twice.
      if ((await objects.statObject(bucketName, name))?.size) return;
      await sql.exportSql(instance.name, { uri, databases });
    }, undefined, (err) => { void ctx.step('export', `retrying: ${(err as Error).message}`, 'pending'); });
    await ctx.step('export', `${databases.join(', ')} → ${uri} in ${Math.round((clock.now().getTime() - started.getTime()) / 1000)} s`);
    object = await retryTransient(clock, () => objects.statObject(bucketName, name));
  }
  const verified = await verify(ctx, bucketName, name, object, databases, options.verifyMaxBytes);
  await ctx.step('verify-export', `${verified.size} bytes, md5 ${verified.md5Hash ?? '-'}, ${verified.contentVerified ? `content checked: ${databases.length} databases` : 'checked by metadata only (larger than verifyMaxBytes)'}`);
  const result = { task: 'export', instance: instance.name, uri, bucket: bucketName, object: name, databases, location: bucket.location, ...verified, verifiedAt: clock.now().toISOString() };
  return { status: 'succeeded', result, refs: { export: uri }, statusEvent: { kind: 'ExportCompleted', ...result } };
}

interface Verified { size: number; md5Hash: string | null; crc32c: string | null; generation: string | null; contentVerified: boolean }

async function verify(ctx: TaskBase, bucket: string, name: string, object: StoredObject | null, databases: string[], maxBytes: number): Promise<Verified> {
  const where = 'verify-export';
  if (!object) throw new PermanentError(`the export operation finished but gs://${bucket}/${name} does not exist`, { where });
  if (object.size <= 0) throw new PermanentError(`gs://${bucket}/${name} is empty`, { where });
  const out: Verified = { size: object.size, md5Hash: object.md5Hash ?? null, crc32c: object.crc32c ?? null, generation: object.generation ?? null, contentVerified: false };
  if (!object.md5Hash && !object.crc32c) throw new PermanentError(`gs://${bucket}/${name} has no checksum (md5Hash, crc32c) to verify`, { where });
  if (object.size > maxBytes) return out;
  const data = await retryTransient(ctx.act.deps.clock, () => ctx.deps.objects.getObject(bucket, name));
  if (!data) throw new PermanentError(`gs://${bucket}/${name} vanished while being verified`, { where });
  if (data.length !== object.size) throw new PermanentError(`gs://${bucket}/${name}: read ${data.length} bytes, metadata says ${object.size}`, { where });
  if (object.md5Hash && createHash('md5').update(data).digest('base64') !== object.md5Hash) {
    throw new PermanentError(`gs://${bucket}/${name}: MD5 of the bytes does not match the object's md5Hash ${object.md5Hash}`, { where });
  }
  let text: string;
  try {
    // gunzip checks gzip's CRC-32 and length trailer: a truncated or corrupted dump fails here.
    text = gunzipSync(data).toString('utf8');
  } catch (err) {
    throw new PermanentError(`gs://${bucket}/${name} is not a valid gzip file: ${(err as Error).message}`, { where });
  }
  const missing = databases.filter((db) => !text.includes(`-- Current Database: \`${db}\``) && !text.includes(`-- Current Database: "${db}"`));
  if (missing.length) throw new PermanentError(`gs://${bucket}/${name} does not contain database(s) ${missing.join(', ')}`, { where });
  return { ...out, contentVerified: true };
}
