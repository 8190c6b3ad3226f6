/**
 * Opaque page tokens for list methods: an offset bound to the query it came from.
 * Lives with the Monitoring sim; the Billing Catalog and Workflow Executions sims use it too.
 */
import { invalid } from '../../errors.ts';

export function encodePageToken(offset: number, query: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: query })).toString('base64url');
}

export function decodePageToken(token: string | null, query: string): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; q?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.q === query) return parsed.o;
  } catch { /* reported below */ }
  throw invalid(`Invalid page_token "${token}": it does not belong to this query.`);
}

/** Parses `pageSize`: absent or 0 means the default; larger than max is clamped (as Google does). */
export function pageSize(raw: string | null, defaultSize: number, max: number): number {
  if (raw === null || raw === '' || raw === '0') return defaultSize;
  if (!/^\d+$/.test(raw)) throw invalid(`Invalid value at 'page_size' (TYPE_INT32), "${raw}"`);
  return Math.min(Number(raw), max);
}

export function paginate<T>(items: T[], token: string | null, size: number, query: string): { page: T[]; nextPageToken?: string } {
  const start = decodePageToken(token, query);
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? encodePageToken(start + size, query) : undefined;
  return { page, nextPageToken: next };
}
