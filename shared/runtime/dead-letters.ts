/**
 * Writing dead letters with a bounded size. A message can be as large as Pub/Sub allows (10 MB)
 * while a Firestore document holds at most 1 MiB, so the state store keeps at most
 * `deadLetterInlineBytes` of data inline; anything larger goes, whole, to the dead-letter bucket
 * through the ObjectStore port, and the record names it. Replay reads the full one back.
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../ports/object-store.ts';
import type { DeadLetter, StateStore } from '../ports/state-store.ts';
import { TransientError } from './errors.ts';

export interface DeadLetterDeps {
  store: StateStore;
  /** Where oversized payloads go; production always has it (the backup bucket). */
  payloads?: { objects: ObjectStore; bucket: string };
  config: { deadLetterInlineBytes: number };
}

type NewDeadLetter = Omit<DeadLetter, 'id' | 'at' | 'replayCount' | 'payload'> & { at?: string };

export const DEAD_LETTER_PREFIX = 'dead-letters/';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function putBoundedDeadLetter(deps: DeadLetterDeps, record: NewDeadLetter): Promise<DeadLetter> {
  const data = Buffer.from(record.raw.data, 'base64');
  const digest = sha256(data);
  const inline = Buffer.byteLength(record.raw.data) + Buffer.byteLength(JSON.stringify(record.raw.attributes ?? {}));
  if (inline <= deps.config.deadLetterInlineBytes) {
    return deps.store.putDeadLetter({ ...record, payload: { bytes: data.length, sha256: digest } });
  }
  if (!deps.payloads) {
    // Refusing is better than a record the store cannot hold or a silently cut message:
    // the delivery is retried and, at worst, ends on the dead-letter topic whole.
    throw new TransientError(`dead letter of ${data.length} bytes needs the dead-letter bucket, and none is configured`, { where: 'dead-letter' });
  }
  // Named by content: the same message dead-lettered twice is stored once (the backup bucket's
  // retention policy refuses overwrites anyway).
  const name = `${DEAD_LETTER_PREFIX}${record.flow}/${digest}.json`;
  const { objects, bucket } = deps.payloads;
  try {
    const stored = await objects.listObjects(bucket, { prefix: name, maxResults: 1 });
    if (!stored.some((o) => o.name === name)) {
      await objects.putObject(bucket, name, JSON.stringify({ data: record.raw.data, attributes: record.raw.attributes }), 'application/json');
    }
  } catch (err) {
    // Never lose the message for want of the bucket: the delivery is retried instead.
    throw new TransientError(`could not keep the ${data.length}-byte dead-letter payload in gs://${bucket}/${name}: ${(err as Error).message}`, { where: 'dead-letter', cause: err });
  }
  return deps.store.putDeadLetter({
    ...record,
    raw: { ...record.raw, data: '', attributes: boundedAttributes(record.raw.attributes, deps.config.deadLetterInlineBytes) },
    payload: { bytes: data.length, sha256: digest, uri: `gs://${deps.payloads.bucket}/${name}` },
  });
}

/** Attributes are small in Pub/Sub (100 of 1 KiB values), but a raw HTTP body could claim any. */
function boundedAttributes(attributes: Record<string, string>, limit: number): Record<string, string> {
  const out: Record<string, string> = {};
  let used = 0;
  for (const [k, v] of Object.entries(attributes ?? {})) {
    used += k.length + v.length;
    if (used > limit / 2) break;
    out[k] = v;
  }
  return out;
}

/** The full message of a dead letter: inline, or read back from the bucket. */
export async function fullDeadLetterMessage(letter: DeadLetter, objects?: ObjectStore): Promise<{ data: Buffer; attributes: Record<string, string> }> {
  const uri = letter.payload?.uri;
  if (!uri) return { data: Buffer.from(letter.raw.data, 'base64'), attributes: letter.raw.attributes };
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match || !objects) throw new Error(`dead letter ${letter.id}: its payload is in ${uri}, which cannot be read here`);
  const body = await objects.getObject(match[1]!, match[2]!);
  if (!body) throw new Error(`dead letter ${letter.id}: its payload ${uri} is gone`);
  const full = JSON.parse(body.toString('utf8')) as { data: string; attributes: Record<string, string> };
  return { data: Buffer.from(full.data, 'base64'), attributes: full.attributes };
}

/** Whether `data` is the message a dead letter holds (the replay check). */
export function holdsMessage(letter: DeadLetter, data: Buffer): boolean {
  const expected = letter.payload?.sha256 ?? sha256(Buffer.from(letter.raw.data, 'base64'));
  return expected === sha256(data);
}
