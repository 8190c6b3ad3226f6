/**
 * sys.now (seconds since the epoch as a double, from the injected clock), sys.get_env (built-in GOOGLE_CLOUD_*
 * variables and user-defined ones; the default, else null, when unset), sys.log (collected into the execution's
 * logs), sys.sleep / sys.sleep_until (on the injected clock).
 */
import { tagged } from '../errors.ts';
import { typeName, type WfValue } from '../values.ts';
import { optNumber, optString, reqString } from './args.ts';
import type { Builtin } from './types.ts';

const SEVERITIES = new Set(['DEFAULT', 'DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT', 'EMERGENCY']);

export function sysBuiltins(sleep: (seconds: number) => Promise<void>): Map<string, Builtin> {
  const out = new Map<string, Builtin>();
  out.set('sys.now', { params: [], required: 0, call: (_a, ctx) => ctx.clock.now().getTime() / 1000 });
  out.set('sys.get_env', {
    params: ['name', 'default'],
    required: 1,
    call: (args, ctx) => {
      const name = reqString(args, 'name', 'sys.get_env');
      const fallback = optString(args, 'default', 'sys.get_env');
      return ctx.env.get(name) ?? fallback ?? null;
    },
  });
  out.set('sys.log', {
    params: ['data', 'severity', 'text', 'json', 'timeout'],
    required: 0,
    call: (args, ctx) => {
      const given = ['data', 'text', 'json'].filter((k) => args.has(k));
      if (given.length !== 1) throw tagged('TypeError', `sys.log takes exactly one of data, text or json, got ${given.length ? given.join(', ') : 'none'}`);
      const severity = (optString(args, 'severity', 'sys.log') ?? 'DEFAULT').toUpperCase();
      if (!SEVERITIES.has(severity)) throw tagged('ValueError', `sys.log: unknown severity "${severity}" (one of ${[...SEVERITIES].join(', ')})`);
      const value = args.get(given[0]) as WfValue;
      if (given[0] === 'text' && typeof value !== 'string') throw tagged('TypeError', `sys.log: "text" must be a string, got ${typeName(value)}`);
      ctx.log(severity, value);
      return null;
    },
  });
  out.set('sys.sleep', {
    params: ['seconds'],
    required: 1,
    call: async (args) => {
      const seconds = optNumber(args, 'seconds', 'sys.sleep') as number;
      if (!(seconds >= 0) || !Number.isFinite(seconds)) throw tagged('ValueError', `sys.sleep: seconds must be a non-negative number, got ${seconds}`);
      await sleep(seconds);
      return null;
    },
  });
  out.set('sys.sleep_until', {
    params: ['time'],
    required: 1,
    call: async (args, ctx) => {
      const text = reqString(args, 'time', 'sys.sleep_until');
      const at = Date.parse(text);
      if (Number.isNaN(at)) throw tagged('ValueError', `sys.sleep_until: "${text}" is not an RFC 3339 timestamp`);
      await sleep(Math.max(0, (at - ctx.clock.now().getTime()) / 1000));
      return null;
    },
  });
  return out;
}
