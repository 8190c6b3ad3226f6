/**
 * Human tables that fit the terminal (100 columns when stdout is not one): columns marked
 * `shrink` give up width first, their cells cut with an ellipsis; colour is applied after the
 * cut so escape codes never count as width.
 */
import { paint, statusColour } from '../output.ts';

export interface Column {
  header: string;
  /** May be cut to fit, down to `min` characters. */
  shrink?: boolean;
  min?: number;
  /** Colour the cell by its run status / result. */
  status?: boolean;
}

export const DEFAULT_WIDTH = 100;

export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number {
  return stream.isTTY && stream.columns ? stream.columns : DEFAULT_WIDTH;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export function renderTable(columns: Column[], rows: string[][], options: { width?: number; color?: boolean } = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const gap = 2;
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  let excess = widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1) - width;
  // Take from the widest shrinkable column first, one character at a time (bounded by the excess).
  for (let guard = 0; excess > 0 && guard < 10_000; guard++) {
    let pick = -1;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (c.shrink && widths[i]! > Math.max(c.min ?? 8, c.header.length) && (pick < 0 || widths[i]! > widths[pick]!)) pick = i;
    }
    if (pick < 0) break;
    widths[pick]! -= 1;
    excess -= 1;
  }
  const line = (cells: string[], header: boolean) => cells.map((cell, i) => {
    const text = cut(cell ?? '', widths[i]!);
    const padded = i === cells.length - 1 ? text : text.padEnd(widths[i]!);
    if (header) return paint(Boolean(options.color), 'bold', padded);
    const colour = columns[i]!.status ? statusColour(text) : undefined;
    return colour ? padded.replace(text, paint(Boolean(options.color), colour, text)) : padded;
  }).join(' '.repeat(gap)).trimEnd();
  return [line(columns.map((c) => c.header), true), ...rows.map((r) => line(r, false))].join('\n');
}

/** "42s", "5m", "3h", "2d": how long ago, kubectl style. */
export function age(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  return duration(Math.max(0, ms));
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.round(h / 24)}d`;
}
