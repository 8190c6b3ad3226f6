/**
 * `npm start` on a terminal: the stack's structured log lines (the Cloud Logging JSON the
 * functions write) as one short line each, run transitions first in mind:
 *
 *   12:04:05 INFO  provisioning 1f3a9c2e  run finished  status=succeeded durationMs=412
 *
 * Anything that is not a JSON object passes through unchanged.
 */
import { paint, type Colour } from './output.ts';

const LEVEL_COLOUR: Record<string, Colour> = { DEBUG: 'gray', INFO: 'green', WARNING: 'yellow', ERROR: 'red', CRITICAL: 'red' };
const SEVERITY_LABEL: Record<string, string> = { WARNING: 'WARN', CRITICAL: 'FATAL' };
const HEAD = new Set(['severity', 'message', 'time', 'flow', 'runId', 'name', 'level', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return line;
  const severity = String(entry.severity ?? 'INFO');
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = paint(color, LEVEL_COLOUR[severity] ?? 'bold', (SEVERITY_LABEL[severity] ?? severity).padEnd(5));
  const who = [entry.flow, typeof entry.runId === 'string' ? entry.runId.slice(0, 8) : undefined].filter(Boolean).join(' ');
  const rest = Object.entries(entry).filter(([k, v]) => !HEAD.has(k) && v !== undefined).map(([k, v]) => `${paint(color, 'gray', `${k}=`)}${value(v)}`).join(' ');
  return [time, level, who, String(entry.message ?? ''), rest].filter(Boolean).join('  ');
}

/** A pino destination that writes pretty lines to `out`. */
export function prettyDestination(out: NodeJS.WritableStream, color: boolean): { write(chunk: string): boolean } {
  let pending = '';
  return {
    write(chunk: string): boolean {
      pending += chunk;
      let nl = pending.indexOf('\n');
      for (let guard = 0; nl >= 0 && guard < 10_000; guard++) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) out.write(`${prettyLine(line, color)}\n`);
        nl = pending.indexOf('\n');
      }
      return true;
    },
  };
}
