/**
 * Compares requests recorded from an adapter with a wire fixture written from Google's API
 * reference. A fixture exchange names its source, the HTTP method, the path (with `{…}`
 * placeholders for server-generated ids), the exact query, and the body. Proto3 JSON lets a
 * client either omit a default value or send it, so extra body fields are accepted only when
 * they hold a default ({} for an empty map, [], '', 0, false); every fixture field must match.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RecordedRequest } from './recording-proxy.ts';

export interface WireExchange {
  call: string;
  source: string;
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  /** For multipart/related uploads: the JSON metadata part and the media part. */
  multipart?: { metadata: Record<string, unknown>; media: string; mediaContentType: string };
  /** Exact header values. */
  headers?: Record<string, string>;
  /** Headers whose value must start with the given text (a boundary or byte range the client picks). */
  headerPrefixes?: Record<string, string>;
  /** Polling: one or more consecutive identical requests. */
  repeats?: boolean;
}

export interface WireFixture {
  api: string;
  source: string;
  exchanges: WireExchange[];
}

export function loadFixture(relative: string): WireFixture {
  const path = fileURLToPath(new URL(`../../../fixtures/wire/${relative}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as WireFixture;
}

function pathMatches(pattern: string, path: string): boolean {
  const source = pattern.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(`^${source}$`).test(path);
}

function isDefault(value: unknown): boolean {
  if (value === '' || value === 0 || value === false || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return false;
}

/** Differences between what the reference says and what was sent, as readable lines. */
export function bodyDifferences(expected: unknown, actual: unknown, at = 'body'): string[] {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null || Array.isArray(expected) !== Array.isArray(actual)) {
    return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${at}: expected ${JSON.stringify(expected)}, sent ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (a.length !== expected.length) return [`${at}: expected ${expected.length} elements, sent ${a.length}`];
    return expected.flatMap((e, i) => bodyDifferences(e, a[i], `${at}[${i}]`));
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${at}.${key}: missing (expected ${JSON.stringify(e[key])})`);
    else out.push(...bodyDifferences(e[key], a[key], `${at}.${key}`));
  }
  for (const key of Object.keys(a)) if (!(key in e) && !isDefault(a[key])) out.push(`${at}.${key}: sent ${JSON.stringify(a[key])}, not in the reference fixture`);
  return out;
}

export interface MatchOptions {
  decodeMultipart?: (contentType: string, body: Buffer) => { metadata: Record<string, unknown>; media: Buffer; mediaContentType?: string };
}

/** Walks fixture and recording in order; returns every mismatch (empty when the wire format is right). */
export function compareWithFixture(fixture: WireFixture, recorded: RecordedRequest[], options: MatchOptions = {}): string[] {
  const problems: string[] = [];
  let i = 0;
  for (const ex of fixture.exchanges) {
    const req = recorded[i];
    const label = `${ex.call} (${ex.source})`;
    if (!req) { problems.push(`${label}: no request recorded`); continue; }
    const check = (r: RecordedRequest) => {
      const p: string[] = [];
      if (r.method !== ex.method) p.push(`method ${r.method}, expected ${ex.method}`);
      if (!pathMatches(ex.path, r.path)) p.push(`path ${r.path}, expected ${ex.path}`);
      if (!queryMatches(ex.query, r.query)) p.push(`query ${JSON.stringify(r.query)}, expected ${JSON.stringify(ex.query)}`);
      for (const [k, v] of Object.entries(ex.headers ?? {})) {
        const sent = r.headers[k.toLowerCase()];
        if (sent !== v) p.push(`header ${k}: ${sent ?? '(absent)'}, expected ${v}`);
      }
      for (const [k, v] of Object.entries(ex.headerPrefixes ?? {})) {
        const sent = r.headers[k.toLowerCase()];
        if (!sent?.startsWith(v)) p.push(`header ${k}: ${sent ?? '(absent)'}, expected to start with ${v}`);
      }
      if (ex.multipart) {
        if (!options.decodeMultipart) p.push('multipart fixture needs a decoder');
        else {
          const parts = options.decodeMultipart(r.contentType ?? '', Buffer.from(String(r.body ?? ''), 'utf8'));
          p.push(...bodyDifferences(ex.multipart.metadata, parts.metadata, 'metadata'));
          if (parts.media.toString('utf8') !== ex.multipart.media) p.push(`media ${JSON.stringify(parts.media.toString('utf8'))}, expected ${JSON.stringify(ex.multipart.media)}`);
          if (parts.mediaContentType !== ex.multipart.mediaContentType) p.push(`media part Content-Type ${parts.mediaContentType}, expected ${ex.multipart.mediaContentType}`);
        }
      } else if (ex.body !== undefined) {
        p.push(...bodyDifferences(ex.body, r.body));
      } else if (r.body !== undefined && !isDefault(r.body)) {
        p.push(`sent a body ${JSON.stringify(r.body)}, the reference says the request body must be empty`);
      }
      return p;
    };
    const first = check(req);
    if (first.length) problems.push(...first.map((m) => `${label}: ${m}`));
    i++;
    if (ex.repeats) while (recorded[i] && check(recorded[i]!).length === 0) i++;
  }
  if (i < recorded.length) problems.push(`${recorded.length - i} unexpected extra request(s), first: ${recorded[i]!.method} ${recorded[i]!.path}`);
  return problems;
}

/** Same keys; a fixture value `{name}` stands for any non-empty server-generated value. */
function queryMatches(expected: Record<string, string>, actual: Record<string, string>): boolean {
  const keys = Object.keys(expected).sort();
  if (JSON.stringify(keys) !== JSON.stringify(Object.keys(actual).sort())) return false;
  return keys.every((k) => (/^\{[^}]+\}$/.test(expected[k]!) ? actual[k] !== '' : expected[k] === actual[k]));
}
