/**
 * Cloud Storage JSON API v1 (https://cloud.google.com/storage/docs/json_api/v1): buckets
 * insert/get/list/patch/delete and objects list/get/download/patch/delete/rewrite/copy/compose/move
 * (what each models: storage/accepts.ts; the rest answers 501), plus the upload endpoint
 * `/upload/storage/v1/b/{bucket}/o` with uploadType=media, multipart and resumable (what
 * @google-cloud/storage 7 sends for `file.save()` with and without `resumable: false`).
 *
 * Behaviour that callers depend on:
 * - patch merges labels; a null label value removes that key.
 * - deleting a bucket that still holds objects (live or noncurrent) is 409.
 * - a retention policy forbids deleting or overwriting an object younger than the period (403).
 * - lifecycle Delete rules with `age` (days, by the simulator's clock) are applied before every
 *   request that reads the bucket, standing in for Google's asynchronous lifecycle runs.
 * - versioning keeps overwritten/deleted objects as noncurrent generations.
 * Other simulators (Cloud SQL export) write through `putObject`/`getObject`/`listObjects`.
 */
import { randomUUID } from 'node:crypto';
import type { Router, SimRequest, SimResponse } from '../router.ts';
import type { SimContext, SimService } from '../service.ts';
import {
  bucketJson, checkBucketName, checkIamConfiguration, checkLifecycle, checkRetention, checkStorageClass, checkVersioning,
  locationType, mergeLabels, storageError, type StoredBucket,
} from './storage/buckets.ts';
import { parseMultipartRelated } from './storage/multipart.ts';
import { checkObjectName, hashes, listPage, objectJson, type StoredObject } from './storage/objects.ts';
import { ResumableSessions } from './storage/resumable.ts';
import { OBJECT_FIELDS, STORAGE_ACCEPTS } from './storage/accepts.ts';
import { unimplemented, unknownField } from '../accepts.ts';

interface BucketState {
  bucket: StoredBucket;
  live: Map<string, StoredObject>;
  noncurrent: StoredObject[];
}

export interface StorageSnapshot {
  buckets: Array<{ bucket: StoredBucket; objects: StoredObject[]; noncurrent: StoredObject[] }>;
}

const DAY_MS = 86_400_000;

export class StorageSim implements SimService {
  readonly name = 'storage';
  private buckets = new Map<string, BucketState>();
  private readonly sessions = new ResumableSessions();
  private ctx!: SimContext;
  private lastGeneration = 0;

  register(router: Router, ctx: SimContext): void {
    this.ctx = ctx;
    // With STORAGE_EMULATOR_HOST set, @google-cloud/storage uses that URL itself as the JSON API
    // base (no /storage/v1), so the JSON routes answer under both prefixes.
    const A = STORAGE_ACCEPTS;
    for (const api of ['/storage/v1', '']) {
      router.add('POST', `${api}/b`, 'storage.buckets.insert', (r) => this.insertBucket(r), A.bucketsInsert);
      router.add('GET', `${api}/b`, 'storage.buckets.list', (r) => this.listBuckets(r), A.bucketsList);
      router.add('GET', `${api}/b/{bucket}`, 'storage.buckets.get', (r) => ({ body: bucketJson(this.bucket(r.params.bucket!).bucket, ctx.baseUrl()) }), A.bucketsGet);
      router.add('PATCH', `${api}/b/{bucket}`, 'storage.buckets.patch', (r) => this.patchBucket(r), A.bucketsPatch);
      router.add('DELETE', `${api}/b/{bucket}`, 'storage.buckets.delete', (r) => this.deleteBucket(r), A.bucketsDelete);
      router.add('GET', `${api}/b/{bucket}/o`, 'storage.objects.list', (r) => this.listObjectsRoute(r), A.objectsList);
      // Object names are percent-encoded in the path, so a literal "/acl" or "/compose" after the
      // name is a sub-resource; these routes come before the object routes, which would take it as part of the name.
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        for (const acl of ['acl', 'acl/{entity}']) {
          router.add(method, `${api}/b/{bucket}/o/{object=**}/${acl}`, 'storage.objectAccessControls', () => {
            throw unimplemented(A.objectAcls.refuse);
          }, A.objectAcls);
        }
      }
      router.add('POST', `${api}/b/{bucket}/o/{object=**}/compose`, 'storage.objects.compose', (r) => this.composeRoute(r), A.objectsCompose);
      router.add('POST', `${api}/b/{bucket}/o/{object=**}/moveTo/o/{destination=**}`, 'storage.objects.move', (r) => this.moveRoute(r), A.objectsMove);
      router.add('POST', `${api}/b/{bucket}/o/{object=**}/rewriteTo/b/{destinationBucket}/o/{destination=**}`, 'storage.objects.rewrite', (r) => this.copyRoute(r, true), A.objectsRewrite);
      router.add('POST', `${api}/b/{bucket}/o/{object=**}/copyTo/b/{destinationBucket}/o/{destination=**}`, 'storage.objects.rewrite', (r) => this.copyRoute(r, false), A.objectsRewrite);
      router.add('GET', `${api}/b/{bucket}/o/{object=**}`, 'storage.objects.get', (r) => this.getObjectRoute(r), A.objectsGet);
      router.add('PATCH', `${api}/b/{bucket}/o/{object=**}`, 'storage.objects.patch', (r) => this.patchObjectRoute(r), A.objectsPatch);
      router.add('DELETE', `${api}/b/{bucket}/o/{object=**}`, 'storage.objects.delete', (r) => this.deleteObjectRoute(r), A.objectsDelete);
    }
    router.add('GET', '/download/storage/v1/b/{bucket}/o/{object=**}', 'storage.objects.get', (r) => this.getObjectRoute(r, true), A.objectsGet);
    router.add('POST', '/upload/storage/v1/b/{bucket}/o', 'storage.objects.insert', (r) => this.upload(r), A.upload);
    router.add('PUT', '/upload/storage/v1/b/{bucket}/o', 'storage.objects.insert', (r) => this.resumeUpload(r), A.resumeUpload);
    router.add('DELETE', '/upload/storage/v1/b/{bucket}/o', 'storage.objects.insert', (r) => this.cancelUpload(r), A.resumeUpload);
  }

  // ---- in-process API for other simulators -------------------------------------------------

  putObject(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream'): Record<string, unknown> {
    const state = this.bucket(bucket);
    return objectJson(bucket, this.store(state, checkObjectName(name), data, contentType, undefined, {}), this.ctx.baseUrl(), this.retentionSeconds(state));
  }

  getObject(bucket: string, name: string): Buffer | undefined {
    const state = this.buckets.get(bucket);
    if (!state) return undefined;
    this.applyLifecycle(state);
    const obj = state.live.get(name);
    return obj ? Buffer.from(obj.data, 'base64') : undefined;
  }

  listObjects(bucket: string, prefix = ''): Array<{ name: string; size: number; contentType: string; generation: string; updated: string }> {
    const state = this.buckets.get(bucket);
    if (!state) return [];
    this.applyLifecycle(state);
    return [...state.live.values()]
      .filter((o) => o.name.startsWith(prefix))
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((o) => ({ name: o.name, size: o.size, contentType: o.contentType, generation: o.generation, updated: o.updated }));
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  // ---- buckets --------------------------------------------------------------------------------

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw storageError(404, 'The specified bucket does not exist.', 'notFound');
    this.applyLifecycle(state);
    return state;
  }

  private insertBucket(req: SimRequest): SimResponse {
    const project = req.query.get('project');
    if (!project) throw storageError(400, 'Required parameter: project', 'required');
    const body = (req.json ?? {}) as Record<string, unknown>;
    const name = checkBucketName(body.name);
    if (this.buckets.has(name)) throw storageError(409, 'Your previous request to create the named bucket succeeded and you already own it.', 'conflict');
    const now = this.now();
    const location = String(body.location ?? 'US').toUpperCase();
    const iam = checkIamConfiguration(body.iamConfiguration, false);
    const bucket: StoredBucket = {
      name,
      project,
      projectNumber: projectNumber(project),
      timeCreated: now,
      updated: now,
      metageneration: 1,
      location,
      locationType: locationType(location),
      storageClass: body.storageClass === undefined ? 'STANDARD' : checkStorageClass(body.storageClass),
      labels: body.labels === undefined ? {} : mergeLabels({}, body.labels, false),
      lifecycle: body.lifecycle === undefined ? undefined : checkLifecycle(body.lifecycle),
      versioning: checkVersioning(body.versioning),
      retentionPolicy: checkRetention(body.retentionPolicy, now),
      uniformBucketLevelAccess: iam.ubla,
      publicAccessPrevention: iam.pap ?? 'inherited',
    };
    this.buckets.set(name, { bucket, live: new Map(), noncurrent: [] });
    return { body: bucketJson(bucket, this.ctx.baseUrl()) };
  }

  private listBuckets(req: SimRequest): SimResponse {
    const project = req.query.get('project');
    if (!project) throw storageError(400, 'Required parameter: project', 'required');
    const prefix = req.query.get('prefix') ?? '';
    const maxResults = positiveInt(req.query.get('maxResults'), 1000, 'maxResults');
    const after = req.query.get('pageToken') ? Buffer.from(req.query.get('pageToken')!, 'base64url').toString('utf8') : '';
    const all = [...this.buckets.values()]
      .map((s) => s.bucket)
      .filter((b) => b.project === project && b.name.startsWith(prefix) && b.name > after)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const page = all.slice(0, maxResults);
    const body: Record<string, unknown> = { kind: 'storage#buckets' };
    if (page.length) body.items = page.map((b) => bucketJson(b, this.ctx.baseUrl()));
    if (all.length > page.length) body.nextPageToken = Buffer.from(page.at(-1)!.name).toString('base64url');
    return { body };
  }

  private patchBucket(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const bucket = state.bucket;
    checkMetagenerationMatch(req, bucket.metageneration);
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw storageError(400, 'Invalid argument: the patch body must be a bucket object.', 'invalid');
    const now = this.now();
    // Validate everything before changing anything, so a bad field leaves the bucket as it was.
    const next: StoredBucket = { ...bucket };
    if ('labels' in body) next.labels = mergeLabels(bucket.labels, body.labels, true);
    if ('lifecycle' in body) next.lifecycle = checkLifecycle(body.lifecycle);
    if ('versioning' in body) next.versioning = checkVersioning(body.versioning);
    if ('retentionPolicy' in body) {
      if (bucket.retentionPolicy?.isLocked) throw storageError(403, 'Cannot modify a locked retention policy.', 'forbidden');
      next.retentionPolicy = checkRetention(body.retentionPolicy, now);
    }
    if ('storageClass' in body) next.storageClass = checkStorageClass(body.storageClass);
    if ('iamConfiguration' in body) {
      const iam = checkIamConfiguration(body.iamConfiguration, bucket.uniformBucketLevelAccess);
      next.uniformBucketLevelAccess = iam.ubla;
      if (iam.pap) next.publicAccessPrevention = iam.pap;
    }
    if ('location' in body && String(body.location).toUpperCase() !== bucket.location) {
      throw storageError(400, "Invalid argument: a bucket's location cannot be changed.", 'invalid');
    }
    next.metageneration = bucket.metageneration + 1;
    next.updated = now;
    state.bucket = next;
    return { body: bucketJson(next, this.ctx.baseUrl()) };
  }

  private deleteBucket(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    checkMetagenerationMatch(req, state.bucket.metageneration);
    if (state.live.size > 0 || state.noncurrent.length > 0) throw storageError(409, 'The bucket you tried to delete is not empty.', 'conflict');
    this.buckets.delete(state.bucket.name);
    return { status: 204, raw: Buffer.alloc(0) };
  }

  // ---- objects --------------------------------------------------------------------------------

  private retentionSeconds(state: BucketState): number | undefined {
    return state.bucket.retentionPolicy ? Number(state.bucket.retentionPolicy.retentionPeriod) : undefined;
  }

  /** Throws the real 403 when the retention policy still protects this object. */
  private checkRetention(state: BucketState, obj: StoredObject): void {
    const seconds = this.retentionSeconds(state);
    if (seconds === undefined) return;
    const until = new Date(obj.timeCreated).getTime() + seconds * 1000;
    if (this.ctx.clock.now().getTime() < until) {
      throw storageError(403, `Object '${state.bucket.name}/${obj.name}' is subject to bucket's retention policy and cannot be deleted, overwritten or archived until ${new Date(until).toISOString()}`, 'forbidden');
    }
  }

  private applyLifecycle(state: BucketState): void {
    const rules = state.bucket.lifecycle?.rule.filter((r) => r.action.type === 'Delete') ?? [];
    if (!rules.length) return;
    const now = this.ctx.clock.now().getTime();
    const matches = (obj: StoredObject, live: boolean) => rules.some((rule) => {
      const c = rule.condition;
      const known = new Set(['age', 'isLive', 'matchesPrefix', 'matchesSuffix', 'createdBefore']);
      // A rule with a condition the simulator cannot evaluate never deletes anything.
      if (Object.keys(c).some((k) => !known.has(k))) return false;
      if (c.age !== undefined && now - new Date(obj.timeCreated).getTime() < Number(c.age) * DAY_MS) return false;
      if (c.isLive !== undefined && c.isLive !== live) return false;
      if (Array.isArray(c.matchesPrefix) && !c.matchesPrefix.some((p) => obj.name.startsWith(String(p)))) return false;
      if (Array.isArray(c.matchesSuffix) && !c.matchesSuffix.some((s) => obj.name.endsWith(String(s)))) return false;
      if (typeof c.createdBefore === 'string' && !(obj.timeCreated.slice(0, 10) < c.createdBefore)) return false;
      return true;
    });
    const retention = this.retentionSeconds(state);
    const protectedByRetention = (obj: StoredObject) => retention !== undefined && now < new Date(obj.timeCreated).getTime() + retention * 1000;
    for (const [name, obj] of state.live) {
      if (!matches(obj, true) || protectedByRetention(obj)) continue;
      state.live.delete(name);
      if (state.bucket.versioning?.enabled) state.noncurrent.push({ ...obj, timeDeleted: new Date(now).toISOString() });
    }
    state.noncurrent = state.noncurrent.filter((obj) => !matches(obj, false) || protectedByRetention(obj));
  }

  private nextGeneration(): string {
    // Real generations are microsecond timestamps; keep them increasing even when the clock stands still.
    this.lastGeneration = Math.max(this.lastGeneration + 1, this.ctx.clock.now().getTime() * 1000);
    return String(this.lastGeneration);
  }

  private store(state: BucketState, name: string, data: Buffer, contentType: string, ifGenerationMatch: string | null | undefined, metadata: Record<string, string>): StoredObject {
    const existing = state.live.get(name);
    if (ifGenerationMatch !== null && ifGenerationMatch !== undefined) {
      const wanted = ifGenerationMatch === '0' ? undefined : ifGenerationMatch;
      if (wanted !== existing?.generation) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    }
    if (existing) this.checkRetention(state, existing);
    const now = this.now();
    const obj: StoredObject = {
      name,
      generation: this.nextGeneration(),
      metageneration: 1,
      contentType,
      data: data.toString('base64'),
      size: data.length,
      ...hashes(data),
      timeCreated: now,
      updated: now,
    };
    if (Object.keys(metadata).length) obj.metadata = metadata;
    if (existing && state.bucket.versioning?.enabled) state.noncurrent.push({ ...existing, timeDeleted: now });
    state.live.set(name, obj);
    return obj;
  }

  private findObject(state: BucketState, name: string, generation: string | null): StoredObject {
    const live = state.live.get(name);
    const found = generation ? (live?.generation === generation ? live : state.noncurrent.find((o) => o.name === name && o.generation === generation)) : live;
    if (!found) throw storageError(404, `No such object: ${state.bucket.name}/${name}`, 'notFound');
    return found;
  }

  private listObjectsRoute(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const versions = req.query.get('versions') === 'true';
    const pool = versions ? [...state.live.values(), ...state.noncurrent] : [...state.live.values()];
    const page = listPage(pool, {
      prefix: req.query.get('prefix') ?? '',
      delimiter: req.query.get('delimiter') || undefined,
      maxResults: positiveInt(req.query.get('maxResults'), 1000, 'maxResults'),
      pageToken: req.query.get('pageToken') ?? undefined,
      startOffset: req.query.get('startOffset') ?? undefined,
      endOffset: req.query.get('endOffset') ?? undefined,
      versions,
    });
    const retention = this.retentionSeconds(state);
    const body: Record<string, unknown> = { kind: 'storage#objects' };
    if (page.prefixes.length) body.prefixes = page.prefixes;
    if (page.items.length) body.items = page.items.map((o) => objectJson(state.bucket.name, o, this.ctx.baseUrl(), retention));
    if (page.nextPageToken) body.nextPageToken = page.nextPageToken;
    return { body };
  }

  private getObjectRoute(req: SimRequest, download = false): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const obj = this.findObject(state, req.params.object!, req.query.get('generation'));
    if (!download && req.query.get('alt') !== 'media') return { body: objectJson(state.bucket.name, obj, this.ctx.baseUrl(), this.retentionSeconds(state)) };
    const data = Buffer.from(obj.data, 'base64');
    const headers: Record<string, string> = {
      'content-type': obj.contentType,
      'x-goog-hash': `crc32c=${obj.crc32c},md5=${obj.md5Hash}`,
      'x-goog-generation': obj.generation,
      'x-goog-metageneration': String(obj.metageneration),
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(obj.size),
      'x-goog-storage-class': 'STANDARD',
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, data.length - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), data.length - 1) : data.length - 1;
      if (start >= data.length || start > end) {
        return { status: 416, body: { error: { code: 416, message: 'The requested range cannot be satisfied.', errors: [{ message: 'The requested range cannot be satisfied.', domain: 'global', reason: 'requestedRangeNotSatisfiable' }] } } };
      }
      return { status: 206, raw: data.subarray(start, end + 1), headers: { ...headers, 'content-range': `bytes ${start}-${end}/${data.length}` } };
    }
    return { raw: data, headers };
  }

  private deleteObjectRoute(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const name = req.params.object!;
    const generation = req.query.get('generation');
    const obj = this.findObject(state, name, generation);
    const ifGenerationMatch = req.query.get('ifGenerationMatch');
    if (ifGenerationMatch !== null && ifGenerationMatch !== obj.generation) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    this.checkRetention(state, obj);
    if (state.live.get(name) === obj) {
      state.live.delete(name);
      if (state.bucket.versioning?.enabled && !generation) state.noncurrent.push({ ...obj, timeDeleted: this.now() });
    } else {
      state.noncurrent = state.noncurrent.filter((o) => o !== obj);
    }
    return { status: 204, raw: Buffer.alloc(0) };
  }

  /**
   * objects.rewrite (`.../o/{src}/rewriteTo/b/{dst}/o/{dstObject}`, what @google-cloud/storage's
   * `file.copy()` sends) and objects.copy (`.../copyTo/...`), with `sourceGeneration` to copy a
   * noncurrent version back. One call always completes (done: true, no rewriteToken). The body is
   * the destination's metadata: contentType and metadata given there replace the source's.
   */
  private copyRoute(req: SimRequest, rewrite: boolean): SimResponse {
    const source = this.bucket(req.params.bucket!);
    const obj = this.findObject(source, req.params.object!, req.query.get('sourceGeneration'));
    const dest = this.bucket(req.params.destinationBucket!);
    const body = objectBody(req.json);
    const contentType = typeof body.contentType === 'string' ? body.contentType : obj.contentType;
    const metadata = body.metadata === undefined ? obj.metadata ?? {} : customMetadata(body.metadata);
    const data = Buffer.from(obj.data, 'base64');
    const stored = this.store(dest, checkObjectName(req.params.destination), data, contentType, req.query.get('ifGenerationMatch'), metadata);
    const resource = objectJson(dest.bucket.name, stored, this.ctx.baseUrl(), this.retentionSeconds(dest));
    if (!rewrite) return { body: resource };
    return { body: { kind: 'storage#rewriteResponse', totalBytesRewritten: String(stored.size), objectSize: String(stored.size), done: true, resource } };
  }

  /** objects.compose: the sources' bytes, in order, as one new object in the same bucket (at most 32 sources). */
  private composeRoute(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const body = objectBody(req.json);
    const sources = body.sourceObjects;
    if (!Array.isArray(sources) || sources.length === 0) throw storageError(400, 'Required field: sourceObjects.', 'required');
    if (sources.length > MAX_COMPOSE_SOURCES) {
      throw storageError(400, `The number of source components provided (${sources.length}) exceeds the maximum (${MAX_COMPOSE_SOURCES}).`, 'invalid');
    }
    const parts = sources.map((raw: unknown, i: number) => {
      const s = (raw ?? {}) as { name?: unknown; generation?: unknown; objectPreconditions?: { ifGenerationMatch?: unknown } };
      if (typeof s.name !== 'string' || s.name === '') throw storageError(400, `Required field: sourceObjects[${i}].name.`, 'required');
      const found = this.findObject(state, s.name, s.generation === undefined || s.generation === null ? null : String(s.generation));
      const precondition = s.objectPreconditions?.ifGenerationMatch;
      if (precondition !== undefined && String(precondition) !== found.generation) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
      return Buffer.from(found.data, 'base64');
    });
    const destination = objectBody(body.destination);
    const contentType = typeof destination.contentType === 'string' ? destination.contentType : 'application/octet-stream';
    const stored = this.store(state, checkObjectName(req.params.object), Buffer.concat(parts), contentType, req.query.get('ifGenerationMatch'), customMetadata(destination.metadata));
    return { body: objectJson(state.bucket.name, stored, this.ctx.baseUrl(), this.retentionSeconds(state)) };
  }

  /** objects.move (`.../o/{src}/moveTo/o/{dst}`, `file.moveFileAtomic()`): the source is gone after, as if deleted. */
  private moveRoute(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const from = req.params.object!;
    const obj = this.findObject(state, from, null);
    const ifSource = req.query.get('ifSourceGenerationMatch');
    if (ifSource !== null && ifSource !== obj.generation) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    const to = checkObjectName(req.params.destination);
    if (to === from) throw storageError(400, 'Source and destination object names must be different.', 'invalid');
    this.checkRetention(state, obj);
    const stored = this.store(state, to, Buffer.from(obj.data, 'base64'), obj.contentType, req.query.get('ifGenerationMatch'), obj.metadata ?? {});
    state.live.delete(from);
    if (state.bucket.versioning?.enabled) state.noncurrent.push({ ...obj, timeDeleted: this.now() });
    return { body: objectJson(state.bucket.name, stored, this.ctx.baseUrl(), this.retentionSeconds(state)) };
  }

  /** objects.patch: contentType replaces, metadata merges (a null value removes its key); the bytes stay. */
  private patchObjectRoute(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const obj = this.findObject(state, req.params.object!, req.query.get('generation'));
    const ifGeneration = req.query.get('ifGenerationMatch');
    if (ifGeneration !== null && ifGeneration !== obj.generation) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    const ifMeta = req.query.get('ifMetagenerationMatch');
    if (ifMeta !== null && Number(ifMeta) !== obj.metageneration) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
    const body = objectBody(req.json);
    if (body.name !== undefined && body.name !== obj.name) throw storageError(400, 'Invalid argument: an object cannot be renamed by patch; use objects.move.', 'invalid');
    // Validate first, then change: a bad field leaves the object as it was.
    let contentType = obj.contentType;
    if (body.contentType !== undefined) {
      if (body.contentType !== null && typeof body.contentType !== 'string') throw storageError(400, 'Invalid argument: contentType must be a string.', 'invalid');
      contentType = body.contentType ?? 'application/octet-stream';
    }
    let metadata = obj.metadata;
    if (body.metadata === null) metadata = undefined;
    else if (body.metadata !== undefined) {
      if (typeof body.metadata !== 'object' || Array.isArray(body.metadata)) throw storageError(400, 'Invalid argument: object metadata must be a map of strings.', 'invalid');
      const merged: Record<string, string> = { ...(obj.metadata ?? {}) };
      for (const [k, v] of Object.entries(body.metadata as Record<string, unknown>)) {
        if (v === null) delete merged[k]; else merged[k] = String(v);
      }
      metadata = Object.keys(merged).length ? merged : undefined;
    }
    obj.contentType = contentType;
    if (metadata) obj.metadata = metadata; else delete obj.metadata;
    obj.metageneration += 1;
    obj.updated = this.now();
    return { body: objectJson(state.bucket.name, obj, this.ctx.baseUrl(), this.retentionSeconds(state)) };
  }

  // ---- uploads --------------------------------------------------------------------------------

  private upload(req: SimRequest): SimResponse {
    const state = this.bucket(req.params.bucket!);
    const uploadType = req.query.get('uploadType');
    const contentType = String(req.headers['content-type'] ?? '');
    if (uploadType === 'media') {
      const name = checkObjectName(req.query.get('name'));
      const obj = this.store(state, name, req.body, contentType || 'application/octet-stream', req.query.get('ifGenerationMatch'), {});
      return { body: objectJson(state.bucket.name, obj, this.ctx.baseUrl(), this.retentionSeconds(state)) };
    }
    if (uploadType === 'multipart') {
      const { metadata, media, mediaContentType } = parseMultipartRelated(contentType, req.body);
      checkObjectMetadata(metadata);
      const name = checkObjectName(metadata.name ?? req.query.get('name'));
      verifyHashes(media, metadata.crc32c, metadata.md5Hash);
      const type = String(metadata.contentType ?? mediaContentType ?? 'application/octet-stream');
      const obj = this.store(state, name, media, type, req.query.get('ifGenerationMatch'), customMetadata(metadata.metadata));
      return { body: objectJson(state.bucket.name, obj, this.ctx.baseUrl(), this.retentionSeconds(state)) };
    }
    if (uploadType === 'resumable') {
      const metadata = objectBody(req.json);
      checkObjectMetadata(metadata);
      const name = checkObjectName(metadata.name ?? req.query.get('name'));
      const uploadId = randomUUID().replace(/-/g, '');
      this.sessions.open(uploadId, {
        bucket: state.bucket.name,
        name,
        contentType: String(req.headers['x-upload-content-type'] ?? metadata.contentType ?? 'application/octet-stream'),
        metadata: customMetadata(metadata.metadata),
        ifGenerationMatch: req.query.get('ifGenerationMatch'),
        declaredSize: req.headers['x-upload-content-length'] === undefined ? undefined : Number(req.headers['x-upload-content-length']),
      });
      const location = `${this.ctx.baseUrl()}/upload/storage/v1/b/${encodeURIComponent(state.bucket.name)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${uploadId}`;
      return { status: 200, raw: Buffer.alloc(0), headers: { location, 'x-guploader-uploadid': uploadId, 'content-type': 'text/plain; charset=utf-8' } };
    }
    throw storageError(400, `Invalid uploadType '${uploadType ?? ''}': use media, multipart or resumable.`, 'invalid');
  }

  private resumeUpload(req: SimRequest): SimResponse {
    const uploadId = req.query.get('upload_id');
    const session = uploadId ? this.sessions.get(uploadId) : undefined;
    if (!uploadId || !session) throw storageError(404, `No such upload session: ${uploadId ?? '(missing upload_id)'}.`, 'notFound');
    const progress = this.sessions.append(uploadId, String(req.headers['content-range'] ?? ''), req.body);
    if (!progress.complete) {
      const headers: Record<string, string> = {};
      if (progress.received > 0) headers.range = `bytes=0-${progress.received - 1}`;
      return { status: 308, raw: Buffer.alloc(0), headers };
    }
    const data = progress.data;
    const declared = parseGoogHash(String(req.headers['x-goog-hash'] ?? ''));
    verifyHashes(data, declared.crc32c, declared.md5);
    const state = this.bucket(session.bucket);
    const obj = this.store(state, session.name, data, session.contentType, session.ifGenerationMatch, session.metadata);
    this.sessions.close(uploadId);
    return { status: 200, body: objectJson(state.bucket.name, obj, this.ctx.baseUrl(), this.retentionSeconds(state)) };
  }

  private cancelUpload(req: SimRequest): SimResponse {
    const uploadId = req.query.get('upload_id');
    if (!uploadId || !this.sessions.get(uploadId)) throw storageError(404, `No such upload session: ${uploadId ?? '(missing upload_id)'}.`, 'notFound');
    this.sessions.close(uploadId);
    return { status: 499, raw: Buffer.alloc(0) };
  }

  // ---- SimService -----------------------------------------------------------------------------

  /** Simulator-only: each bucket's labels and stored bytes (live and noncurrent), for system metrics. */
  bucketInventory(): Array<{ name: string; labels: Record<string, string>; bytes: number; createdMs: number }> {
    return [...this.buckets.values()].map((s) => ({
      name: s.bucket.name,
      labels: { ...(s.bucket.labels ?? {}) },
      bytes: [...s.live.values(), ...s.noncurrent].reduce((a, o) => a + Number(o.size ?? 0), 0),
      createdMs: Date.parse(String(s.bucket.timeCreated ?? '')) || 0,
    }));
  }

  snapshot(): StorageSnapshot {
    return {
      buckets: [...this.buckets.values()].map((s) => ({ bucket: { ...s.bucket }, objects: [...s.live.values()].map((o) => ({ ...o })), noncurrent: s.noncurrent.map((o) => ({ ...o })) })),
    };
  }

  restore(snapshot: unknown): void {
    const state = snapshot as StorageSnapshot;
    if (!state || !Array.isArray(state.buckets)) throw new Error('storage snapshot: expected {buckets: [...]}');
    this.buckets = new Map(state.buckets.map((b) => [b.bucket.name, {
      bucket: { ...b.bucket },
      live: new Map(b.objects.map((o) => [o.name, { ...o }])),
      noncurrent: (b.noncurrent ?? []).map((o) => ({ ...o })),
    }]));
    for (const b of state.buckets) for (const o of [...b.objects, ...(b.noncurrent ?? [])]) this.lastGeneration = Math.max(this.lastGeneration, Number(o.generation));
  }

  summary(): Record<string, number> {
    let objects = 0;
    let bytes = 0;
    for (const s of this.buckets.values()) for (const o of s.live.values()) { objects++; bytes += o.size; }
    return { buckets: this.buckets.size, objects, bytes, uploadSessions: this.sessions.size };
  }
}

const MAX_COMPOSE_SOURCES = 32;

function objectBody(raw: unknown): Record<string, any> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw storageError(400, 'Invalid argument: the request body must be a JSON object.', 'invalid');
  return raw as Record<string, any>;
}

/** Upload metadata arrives inside the media request, so the route's body check cannot see it. */
function checkObjectMetadata(metadata: Record<string, unknown>): void {
  const field = unknownField(metadata, OBJECT_FIELDS, '');
  if (field) throw unimplemented(`object field "${field}" of storage.objects.insert; it would be dropped.`);
}

function positiveInt(raw: string | null, fallback: number, field: string): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw storageError(400, `Invalid value for ${field}: '${raw}'; expected a non-negative integer.`, 'invalid');
  return n === 0 ? fallback : Math.min(n, fallback);
}

function checkMetagenerationMatch(req: SimRequest, current: number): void {
  const wanted = req.query.get('ifMetagenerationMatch');
  if (wanted !== null && Number(wanted) !== current) throw storageError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
}

function customMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw storageError(400, 'Invalid argument: object metadata must be a map of strings.', 'invalid');
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]));
}

function parseGoogHash(header: string): { crc32c?: string; md5?: string } {
  const out: { crc32c?: string; md5?: string } = {};
  for (const pair of header.split(',')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    const key = pair.slice(0, at).trim();
    if (key === 'crc32c' || key === 'md5') out[key] = pair.slice(at + 1).trim();
  }
  return out;
}

function verifyHashes(data: Buffer, crc32c: unknown, md5: unknown): void {
  const actual = hashes(data);
  if (typeof crc32c === 'string' && crc32c !== actual.crc32c) {
    throw storageError(400, `Provided CRC32C "${crc32c}" doesn't match calculated CRC32C "${actual.crc32c}".`, 'invalid');
  }
  if (typeof md5 === 'string' && md5 !== actual.md5Hash) {
    throw storageError(400, `Provided MD5 hash "${md5}" doesn't match calculated MD5 hash "${actual.md5Hash}".`, 'invalid');
  }
}

/** Google shows project numbers, not ids, in bucket resources; derive a stable fake one. */
function projectNumber(project: string): string {
  let h = 0;
  for (const ch of project) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return String(100_000_000_000 + (h % 900_000_000_000));
}
