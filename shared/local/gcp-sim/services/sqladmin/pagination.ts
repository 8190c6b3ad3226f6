/**
 * `maxResults` / `pageToken` / `nextPageToken` as Cloud SQL lists use them. Tokens are opaque
 * to callers (base64 of an offset) and checked on the way back in.
 */
import { invalid } from '../../errors.ts';

export function paginate<T>(items: T[], query: URLSearchParams, defaultMax = 500): { page: T[]; nextPageToken?: string } {
  const rawMax = query.get('maxResults');
  const max = rawMax === null || rawMax === '' ? defaultMax : Number(rawMax);
  if (!Number.isInteger(max) || max < 0) throw invalid(`Invalid value for maxResults: "${rawMax}" (expected a non-negative integer).`);
  const size = max === 0 ? defaultMax : max;
  const token = query.get('pageToken');
  let offset = 0;
  if (token) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const match = /^offset:(\d+)$/.exec(decoded);
    if (!match) throw invalid(`Invalid pageToken "${token}".`);
    offset = Number(match[1]);
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { page, nextPageToken: Buffer.from(`offset:${next}`).toString('base64url') } : { page };
}
