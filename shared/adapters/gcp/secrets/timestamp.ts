/**
 * google.protobuf.Timestamp as the gax clients hand it back ({seconds: Long|string|number, nanos}),
 * or an RFC 3339 string (REST JSON), to a Date. Undefined when absent or unreadable.
 */
export function timestampToDate(ts: unknown): Date | undefined {
  if (ts === null || ts === undefined) return undefined;
  if (typeof ts === 'string') {
    const d = new Date(ts);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof ts === 'object') {
    const { seconds, nanos } = ts as { seconds?: unknown; nanos?: unknown };
    if (seconds === null || seconds === undefined) return undefined;
    const s = Number(typeof seconds === 'object' ? String(seconds) : seconds);
    if (!Number.isFinite(s)) return undefined;
    return new Date(s * 1000 + Math.floor(Number(nanos ?? 0) / 1e6));
  }
  return undefined;
}
