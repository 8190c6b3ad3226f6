// time.format / time.parse: Unix seconds <-> RFC 3339 text with microsecond precision.
import { tagged } from '../errors.ts';
import type { WfValue } from '../values.ts';
import * as a from './args.ts';
import { fn, type PureFunction } from './types.ts';

const MAX_MS = 8.64e15;
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
      });
    } catch {
      throw tagged('ValueError', `time.format: unknown time zone ${JSON.stringify(zone)}; use an IANA name such as "America/New_York"`);
    }
    zoneFormatters.set(zone, f);
  }
  return f;
}

/** Offset of `zone` from UTC at the instant `ms`, in whole minutes. */
function offsetMinutes(zone: string, ms: number): number {
  const parts: Record<string, string> = {};
  for (const p of zoneFormatter(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const wall = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function format(seconds: bigint | number, zone: string): string {
  const micros = typeof seconds === 'bigint' ? seconds * 1_000_000n : BigInt(Math.round(seconds * 1e6));
  if (typeof seconds === 'number' && !Number.isFinite(seconds)) throw tagged('ValueError', `time.format: ${seconds} is not a finite number of seconds`);
  const floorMs = micros >= 0n ? micros / 1000n : -((-micros + 999n) / 1000n);
  const ms = Number(floorMs);
  if (Math.abs(ms) > MAX_MS) throw tagged('ValueError', `time.format: ${seconds} seconds is outside the supported date range`);
  const subMicros = Number(micros - floorMs * 1000n) + (((ms % 1000) + 1000) % 1000) * 1000;
  const offset = zone === 'UTC' || zone === 'Etc/UTC' ? 0 : offsetMinutes(zone, ms);
  const d = new Date(ms + offset * 60000);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(subMicros, 6)}`;
  const suffix = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60), 2)}:${pad(Math.abs(offset) % 60, 2)}`;
  return `${date}T${time}${suffix}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parse(text: string): WfValue {
  const m = RFC3339.exec(text);
  const bad = (): never => { throw tagged('ValueError', `time.parse: ${JSON.stringify(text)} is not an RFC 3339 timestamp such as 2024-01-31T13:45:00.5Z`); };
  if (!m) return bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const base = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59));
  const check = new Date(base);
  if (month < 1 || month > 12 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 60) bad();
  let offsetMin = 0;
  const tz = m[8];
  if (tz !== 'Z' && tz !== 'z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const [h, mi] = tz.slice(1).split(':').map(Number);
    if (h > 23 || mi > 59) bad();
    offsetMin = sign * (h * 60 + mi);
  }
  const fraction = m[7] ? Number(`0${m[7]}`) : 0;
  return (base - offsetMin * 60000) / 1000 + (second === 60 ? 1 : 0) + fraction;
}

export const timeFunctions: ReadonlyArray<[string, PureFunction]> = [
  ['time.format', fn(['seconds', 'timezone'], ([s, z]) =>
    format(a.num('time.format', 'seconds', s), a.optional(z, 'UTC', (x) => a.str('time.format', 'timezone', x))), 1)],
  ['time.parse', fn(['value'], ([v]) => parse(a.str('time.parse', 'value', v)))],
];
