/**
 * Cloud Storage JSON API v1 object resources
 * (https://cloud.google.com/storage/docs/json_api/v1/objects): the stored form, the
 * `storage#object` representation, and listing with prefix/delimiter/pagination.
 */
import { createHash } from 'node:crypto';
import { crc32cBase64 } from '../../../../adapters/gcp/secrets/crc32c.ts';
import { storageError } from './buckets.ts';

export interface StoredObject {
  name: string;
  generation: string;
  metageneration: number;
  contentType: string;
  /** base64 of the bytes. */
  data: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  timeCreated: string;
  updated: string;
  metadata?: Record<string, string>;
  /** Set on noncurrent versions of a versioned bucket. */
  timeDeleted?: string;
}

export function checkObjectName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw storageError(400, 'Required parameter: name', 'required');
  if (Buffer.byteLength(name) > 1024) throw storageError(400, 'The maximum object length is 1024 characters, but got a name with more characters.', 'invalid');
  if (name === '.' || name === '..' || /[\r\n]/.test(name) || name.startsWith('.well-known/acme-challenge/')) {
    throw storageError(400, `Invalid object name: '${name}'`, 'invalid');
  }
  return name;
}

export function hashes(data: Buffer): { md5Hash: string; crc32c: string } {
  return { md5Hash: createHash('md5').update(data).digest('base64'), crc32c: crc32cBase64(data) };
}

export function objectJson(bucket: string, obj: StoredObject, baseUrl: string, retentionSeconds?: number): Record<string, unknown> {
  const encoded = encodeURIComponent(obj.name);
  const out: Record<string, unknown> = {
    kind: 'storage#object',
    id: `${bucket}/${obj.name}/${obj.generation}`,
    selfLink: `${baseUrl}/storage/v1/b/${bucket}/o/${encoded}`,
    mediaLink: `${baseUrl}/download/storage/v1/b/${bucket}/o/${encoded}?generation=${obj.generation}&alt=media`,
    name: obj.name,
    bucket,
    generation: obj.generation,
    metageneration: String(obj.metageneration),
    contentType: obj.contentType,
    storageClass: 'STANDARD',
    size: String(obj.size),
    md5Hash: obj.md5Hash,
    crc32c: obj.crc32c,
    etag: etag(obj),
    timeCreated: obj.timeCreated,
    updated: obj.updated,
    timeStorageClassUpdated: obj.timeCreated,
    timeFinalized: obj.timeCreated,
  };
  if (obj.metadata && Object.keys(obj.metadata).length) out.metadata = obj.metadata;
  if (obj.timeDeleted) out.timeDeleted = obj.timeDeleted;
  if (retentionSeconds !== undefined) out.retentionExpirationTime = new Date(new Date(obj.timeCreated).getTime() + retentionSeconds * 1000).toISOString();
  return out;
}

function etag(obj: StoredObject): string {
  return createHash('md5').update(`${obj.generation}/${obj.metageneration}`).digest('base64').slice(0, 10);
}

export interface ListOptions {
  prefix: string;
  delimiter?: string;
  maxResults: number;
  pageToken?: string;
  startOffset?: string;
  endOffset?: string;
  /** Listing every generation: several items share a name, so pages resume after (name, generation). */
  versions?: boolean;
}

/**
 * One page of a listing. With a delimiter, names that continue past the delimiter after the
 * prefix collapse into `prefixes`; maxResults bounds items and prefixes together.
 */
export function listPage(objects: StoredObject[], options: ListOptions): { items: StoredObject[]; prefixes: string[]; nextPageToken?: string } {
  const sorted = [...objects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || Number(a.generation) - Number(b.generation));
  const token = options.pageToken ? Buffer.from(options.pageToken, 'base64url').toString('utf8') : undefined;
  // A versions token is "<generation> <name>"; a plain one is the last name.
  const versionToken = options.versions && token !== undefined ? /^(\d+) ([\s\S]*)$/.exec(token) : null;
  const after = versionToken ? versionToken[2] : token;
  const afterGeneration = versionToken ? Number(versionToken[1]) : undefined;
  const items: StoredObject[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  for (const obj of sorted) {
    if (!obj.name.startsWith(options.prefix)) continue;
    if (options.startOffset && obj.name < options.startOffset) continue;
    if (options.endOffset && obj.name >= options.endOffset) continue;
    let key = obj.name;
    let isPrefix = false;
    if (options.delimiter) {
      const at = obj.name.indexOf(options.delimiter, options.prefix.length);
      if (at >= 0) { key = obj.name.slice(0, at + options.delimiter.length); isPrefix = true; }
    }
    if (after !== undefined) {
      const sameNameLaterGeneration = !isPrefix && afterGeneration !== undefined && key === after && Number(obj.generation) > afterGeneration;
      if (key < after || (key === after && !sameNameLaterGeneration)) continue;
    }
    if (isPrefix && prefixes.at(-1) === key) continue;
    if (items.length + prefixes.length >= options.maxResults) {
      return { items, prefixes, nextPageToken: Buffer.from(last!).toString('base64url') };
    }
    if (isPrefix) prefixes.push(key); else items.push(obj);
    last = options.versions && !isPrefix ? `${obj.generation} ${key}` : key;
  }
  return { items, prefixes };
}
