/**
 * Workflow source → a YAML tree, as leniently as Cloud Workflows reads it.
 *
 * YAML 1.2 wants the continuation lines of a multi-line quoted scalar indented deeper than the enclosing block;
 * the `yaml` package enforces that ("Missing closing 'quote"), while Cloud Workflows deploys sources that break it
 * — e.g. Google's workflows-demos `vertexai/parallel-summaries` sample, whose `- text: '${"Make a summary ...`
 * continues at the indentation of the `-`. Parsers of the libyaml family do not check that indentation: PyYAML
 * 6.0.3, with its libyaml loader and its pure-Python one, loads that sample, and this loader's tree for it is
 * identical to libyaml's (checked when this was written). Leading white space of a quoted scalar's continuation line is never part of its value
 * (YAML 1.2 §7.3: folded lines drop it, an escaped line break drops it too), so re-indenting those lines yields
 * exactly the value a lenient parser reads. That repair is tried only when the strict parse fails this way.
 */
import { parse, Parser, YAMLParseError } from 'yaml';

const OPTIONS = { intAsBigInt: true, uniqueKeys: true, maxAliasCount: 100 } as const;

/** At most this many scalars are repaired, so a pathological source cannot make loading quadratic for long. */
const MAX_REPAIRS = 200;

export function parseWorkflowYaml(text: string): unknown {
  try {
    return parse(text, OPTIONS);
  } catch (err) {
    if (!(err instanceof YAMLParseError) || err.code !== 'MISSING_CHAR') throw err;
    const repaired = reindentQuotedScalars(text);
    if (repaired === text) throw err;
    try {
      return parse(repaired, OPTIONS);
    } catch {
      // The repair did not help: the original message points at the real problem.
      throw err;
    }
  }
}

interface QuotedToken { type: string; offset: number; source: string }

function quotedTokens(node: unknown, out: QuotedToken[]): void {
  if (node === null || typeof node !== 'object') return;
  const t = node as Partial<QuotedToken>;
  if ((t.type === 'single-quoted-scalar' || t.type === 'double-quoted-scalar') && typeof t.offset === 'number' && typeof t.source === 'string') {
    out.push(t as QuotedToken);
    return;
  }
  for (const v of Object.values(node)) if (v !== null && typeof v === 'object') quotedTokens(v, out);
}

/** Offset just past the closing quote of the scalar opening at `start`, or -1 when there is none. */
function closingQuote(text: string, start: number): number {
  const q = text[start];
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') { i++; continue; }
    if (c !== q) continue;
    if (q === "'" && text[i + 1] === "'") { i++; continue; }
    return i + 1;
  }
  return -1;
}

/** Re-indents the continuation lines of every quoted scalar the strict lexer cut short. */
export function reindentQuotedScalars(text: string): string {
  let current = text;
  for (let repairs = 0; repairs < MAX_REPAIRS; repairs++) {
    const tokens: QuotedToken[] = [];
    for (const token of new Parser().parse(current)) quotedTokens(token, tokens);
    const cut = tokens.find((t) => {
      const end = closingQuote(current, t.offset);
      return end > t.offset + t.source.length;
    });
    if (!cut) return current;
    const end = closingQuote(current, cut.offset);
    const lineStart = current.lastIndexOf('\n', cut.offset) + 1;
    const indent = ' '.repeat(cut.offset - lineStart + 1);
    const body = current.slice(cut.offset, end).replace(/\n[ \t]*(?=([^\n]?))/g, (_m, next: string) => (next === '' || next === '\n' ? '\n' : `\n${indent}`));
    current = current.slice(0, cut.offset) + body + current.slice(end);
  }
  return current;
}
