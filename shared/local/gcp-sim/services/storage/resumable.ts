/**
 * Resumable upload sessions (https://cloud.google.com/storage/docs/performing-resumable-uploads):
 * POST ?uploadType=resumable opens a session; PUTs to the session URI carry bytes with a
 * Content-Range. `bytes a-b/N` is a chunk, `bytes a-* /N` (what @google-cloud/storage sends when
 * it streams the rest in one request) ends the upload with this request, and `bytes * /N` asks
 * for the status. An incomplete upload answers 308 with the Range received so far.
 */
import { storageError } from './buckets.ts';

export interface SessionSpec {
  bucket: string;
  name: string;
  contentType: string;
  metadata: Record<string, string>;
  ifGenerationMatch: string | null;
  declaredSize?: number;
}

interface Session extends SessionSpec {
  chunks: Buffer[];
  received: number;
}

export type Progress = { complete: false; received: number } | { complete: true; received: number; data: Buffer };

/** Sessions are dropped beyond this many, oldest first, so abandoned uploads cannot pile up. */
const MAX_SESSIONS = 1000;

export class ResumableSessions {
  private readonly sessions = new Map<string, Session>();

  get size(): number {
    return this.sessions.size;
  }

  open(id: string, spec: SessionSpec): void {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(id, { ...spec, chunks: [], received: 0 });
  }

  get(id: string): SessionSpec | undefined {
    return this.sessions.get(id);
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  append(id: string, contentRange: string, body: Buffer): Progress {
    const session = this.sessions.get(id);
    if (!session) throw storageError(404, `No such upload session: ${id}.`, 'notFound');
    const finish = (): Progress => ({ complete: true, received: session.received, data: Buffer.concat(session.chunks) });
    if (contentRange === '') {
      session.chunks = [body];
      session.received = body.length;
      return finish();
    }
    const status = /^bytes \*\/(\d+|\*)$/.exec(contentRange);
    if (status) {
      const total = status[1] === '*' ? undefined : Number(status[1]);
      if (body.length > 0) throw storageError(400, `Content-Range '${contentRange}' carries no byte range, but the request has a ${body.length}-byte body.`, 'invalid');
      return total !== undefined && total === session.received ? finish() : { complete: false, received: session.received };
    }
    const chunk = /^bytes (\d+)-(\d+|\*)\/(\d+|\*)$/.exec(contentRange);
    if (!chunk) throw storageError(400, `Invalid Content-Range '${contentRange}': expected 'bytes FIRST-LAST/TOTAL', 'bytes FIRST-*/TOTAL' or 'bytes */TOTAL'.`, 'invalid');
    const first = Number(chunk[1]);
    const total = chunk[3] === '*' ? undefined : Number(chunk[3]);
    if (chunk[2] !== '*' && Number(chunk[2]) - first + 1 !== body.length) {
      throw storageError(400, `Content-Range '${contentRange}' announces ${Number(chunk[2]) - first + 1} bytes, but the request carries ${body.length}.`, 'invalid');
    }
    if (first > session.received) {
      throw storageError(400, `Content-Range '${contentRange}' starts at byte ${first}, but only ${session.received} bytes were received; resume from ${session.received}.`, 'invalid');
    }
    // Bytes the server already has (a client retrying a chunk) are skipped, as Google does.
    const fresh = body.subarray(session.received - first);
    session.chunks.push(fresh);
    session.received += fresh.length;
    if (total !== undefined && session.received > total) {
      throw storageError(400, `Upload received ${session.received} bytes, more than the declared total ${total}.`, 'invalid');
    }
    if (total !== undefined && session.received === total) return finish();
    if (chunk[2] === '*') {
      if (total !== undefined) throw storageError(400, `Upload ended with ${session.received} of the declared ${total} bytes.`, 'invalid');
      return finish();
    }
    return { complete: false, received: session.received };
  }
}
