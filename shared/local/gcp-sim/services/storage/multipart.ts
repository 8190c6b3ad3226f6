/**
 * Parses a `multipart/related` upload body
 * (https://cloud.google.com/storage/docs/uploading-objects#uploading-an-object, "multipart upload"):
 * a JSON metadata part followed by the media part. Works on bytes, so binary media survives.
 */
import { storageError } from './buckets.ts';

export interface MultipartUpload {
  metadata: Record<string, unknown>;
  media: Buffer;
  mediaContentType?: string;
}

export function parseMultipartRelated(contentType: string, body: Buffer): MultipartUpload {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) {
    throw storageError(400, `Multipart upload needs Content-Type multipart/related with a boundary, got '${contentType}'.`, 'invalid');
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part sits between the CRLF after the delimiter and the CRLF before the next one.
    let part = body.subarray(start, next);
    if (part.subarray(0, 2).toString() === '\r\n') part = part.subarray(2);
    if (part.subarray(-2).toString() === '\r\n') part = part.subarray(0, -2);
    parts.push(part);
    at = next;
  }
  if (parts.length !== 2) throw storageError(400, `Multipart upload must have exactly 2 parts (metadata, media); found ${parts.length}.`, 'invalid');
  const [meta, media] = parts.map(splitPart) as [ReturnType<typeof splitPart>, ReturnType<typeof splitPart>];
  let metadata: unknown;
  try {
    metadata = JSON.parse(meta.body.toString('utf8'));
  } catch {
    throw storageError(400, 'The first part of a multipart upload must be the JSON object metadata; it did not parse.', 'parseError');
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw storageError(400, 'Multipart metadata must be a JSON object.', 'invalid');
  return { metadata: metadata as Record<string, unknown>, media: media.body, mediaContentType: media.headers['content-type'] };
}

function splitPart(part: Buffer): { headers: Record<string, string>; body: Buffer } {
  const end = part.indexOf('\r\n\r\n');
  if (end < 0) return { headers: {}, body: part };
  const headers: Record<string, string> = {};
  for (const line of part.subarray(0, end).toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: part.subarray(end + 4) };
}
