// Workflows regular expressions use RE2 syntax. JS RegExp covers most of it; this translates the RE2-only
// spellings (named groups `(?P<n>`, leading flag groups, `\A` `\z`, POSIX classes, `\pL`) and refuses the JS-only
// features RE2 lacks (backreferences, lookaround), so a pattern that RE2 would reject is not silently accepted.
import { tagged } from '../errors.ts';

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: '\\t\\n\\v\\f\\r ',
  blank: '\\t ', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~', graph: '!-~', ascii: '\\x00-\\x7f',
};

const cache = new Map<string, RegExp>();

/** Compiles an RE2 pattern to a global JS RegExp; invalid or unsupported patterns raise ValueError. */
export function compileRe2(fnName: string, pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) { hit.lastIndex = 0; return hit; }
  let body = pattern;
  let flags = 'g';
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1].includes('U')) throw tagged('ValueError', `${fnName}: the ungreedy flag (?U) is not supported: ${pattern}`);
    for (const f of new Set(lead[1])) flags += f;
    body = body.slice(lead[0].length);
  }
  if (/\(\?<?[=!]/.test(body)) throw tagged('ValueError', `${fnName}: lookaround is not supported by RE2 syntax: ${pattern}`);
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(body)) throw tagged('ValueError', `${fnName}: backreferences are not supported by RE2 syntax: ${pattern}`);
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\[:(\^?)([a-z]+):\]/g, (m: string, neg: string, name: string) => {
      const cls = POSIX[name];
      if (!cls) throw tagged('ValueError', `${fnName}: unknown POSIX class ${m}: ${pattern}`);
      if (neg) throw tagged('ValueError', `${fnName}: negated POSIX classes are not supported: ${pattern}`);
      return cls;
    })
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\z/g, '(?![\\s\\S])')
    .replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}');
  let re: RegExp;
  try {
    re = new RegExp(body, `${flags}u`);
  } catch {
    try {
      re = new RegExp(body, flags);
    } catch (e) {
      throw tagged('ValueError', `${fnName}: invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    }
  }
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** Converts a UTF-16 offset into a code-point offset (Workflows indexes strings by character). */
export function codePointIndex(s: string, utf16Index: number): number {
  if (!/[\uD800-\uDFFF]/.test(s)) return utf16Index;
  return [...s.slice(0, utf16Index)].length;
}

/** All non-overlapping matches, leftmost first; empty matches advance by one character. */
export function allMatches(re: RegExp, source: string): RegExpExecArray[] {
  re.lastIndex = 0;
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(source); m; m = re.exec(source)) {
    out.push(m);
    if (m[0] === '') re.lastIndex += re.unicode && (source.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1;
    if (re.lastIndex > source.length) break;
  }
  re.lastIndex = 0;
  return out;
}
