/**
 * Subscription filters (https://cloud.google.com/pubsub/docs/subscription-message-filter):
 * expressions over message attributes, at most 256 bytes:
 *   attributes:KEY                     the key exists
 *   attributes.KEY = "v" / != "v"      exact (case-sensitive) value match
 *   hasPrefix(attributes.KEY, "p")     value prefix
 *   NOT x / -x, x AND y, x OR y, ( )   mixing AND and OR needs parentheses, as in Pub/Sub
 * KEY is [A-Za-z0-9_-]+ or a string literal. Messages that do not match are acknowledged at
 * publish time and never delivered, like the real service does.
 */
import { invalidArgument } from './status.ts';

export type AttributePredicate = (attributes: Record<string, string>) => boolean;

type Token = { kind: 'word' | 'string' | 'op'; text: string; at: number };

const MAX_FILTER_BYTES = 256;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < source.length && source[j] !== '"'; j++) {
        if (source[j] === '\\') {
          j++;
          const esc = source[j];
          if (esc === undefined) break;
          text += esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : esc;
        } else {
          text += source[j];
        }
      }
      if (j >= source.length) throw invalidArgument(`Invalid filter: unterminated string literal at position ${i}.`);
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=') { tokens.push({ kind: 'op', text: '!=', at: i }); i += 2; continue; }
    if ('()=:.,-'.includes(c)) { tokens.push({ kind: 'op', text: c, at: i }); i++; continue; }
    const m = /^[A-Za-z0-9_]+/.exec(source.slice(i));
    if (!m) throw invalidArgument(`Invalid filter: unexpected character "${c}" at position ${i}.`);
    tokens.push({ kind: 'word', text: m[0], at: i });
    i += m[0].length;
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[], private readonly source: string) {}

  private peek(): Token | undefined { return this.tokens[this.pos]; }

  private fail(expected: string): never {
    const t = this.peek();
    throw invalidArgument(`Invalid filter "${this.source}": expected ${expected} ${t ? `at position ${t.at} (found "${t.text}")` : 'but the filter ended'}.`);
  }

  private take(kind: Token['kind'], text?: string): Token {
    const t = this.peek();
    if (!t || t.kind !== kind || (text !== undefined && t.text !== text)) this.fail(text ? `"${text}"` : kind);
    this.pos++;
    return t;
  }

  private isWord(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'word' && t.text === text;
  }

  parse(): AttributePredicate {
    const expr = this.expression();
    if (this.peek()) this.fail('the end of the filter');
    return expr;
  }

  private expression(): AttributePredicate {
    const first = this.unary();
    const op = this.isWord('AND') ? 'AND' : this.isWord('OR') ? 'OR' : undefined;
    if (!op) return first;
    const terms = [first];
    while (this.isWord(op)) {
      this.pos++;
      terms.push(this.unary());
    }
    if (this.isWord(op === 'AND' ? 'OR' : 'AND')) this.fail('parentheses when combining AND and OR');
    return op === 'AND' ? (a) => terms.every((t) => t(a)) : (a) => terms.some((t) => t(a));
  }

  private unary(): AttributePredicate {
    if (this.isWord('NOT')) { this.pos++; const inner = this.unary(); return (a) => !inner(a); }
    const t = this.peek();
    if (t?.kind === 'op' && t.text === '-') { this.pos++; const inner = this.unary(); return (a) => !inner(a); }
    return this.primary();
  }

  private key(): string {
    const t = this.peek();
    if (t?.kind === 'string') { this.pos++; return t.text; }
    // An unquoted key may contain '-' (tokenized separately): glue adjacent word/'-' tokens.
    let key = this.take('word').text;
    for (let n = this.peek(); n && n.kind !== 'string' && (n.text === '-' || n.kind === 'word') && n.at === this.tokens[this.pos - 1]!.at + this.tokens[this.pos - 1]!.text.length; n = this.peek()) {
      if (n.kind === 'word' && ['AND', 'OR', 'NOT'].includes(n.text)) break;
      key += n.text;
      this.pos++;
    }
    return key;
  }

  private primary(): AttributePredicate {
    const t = this.peek();
    if (t?.kind === 'op' && t.text === '(') {
      this.pos++;
      const inner = this.expression();
      this.take('op', ')');
      return inner;
    }
    if (this.isWord('hasPrefix')) {
      this.pos++;
      this.take('op', '(');
      this.take('word', 'attributes');
      this.take('op', '.');
      const key = this.key();
      this.take('op', ',');
      const prefix = this.take('string').text;
      this.take('op', ')');
      return (a) => a[key] !== undefined && a[key]!.startsWith(prefix);
    }
    this.take('word', 'attributes');
    const sep = this.take('op');
    if (sep.text === ':') {
      const key = this.key();
      return (a) => Object.prototype.hasOwnProperty.call(a, key);
    }
    if (sep.text !== '.') this.fail('"." or ":" after attributes');
    const key = this.key();
    const op = this.take('op');
    if (op.text !== '=' && op.text !== '!=') this.fail('"=" or "!="');
    const value = this.take('string').text;
    return op.text === '=' ? (a) => a[key] === value : (a) => a[key] !== value;
  }
}

/** Compiles a filter; '' matches everything. Throws INVALID_ARGUMENT naming the position. */
export function compileFilter(filter: string): AttributePredicate {
  if (!filter) return () => true;
  if (Buffer.byteLength(filter) > MAX_FILTER_BYTES) throw invalidArgument(`Invalid filter: at most ${MAX_FILTER_BYTES} bytes are allowed, got ${Buffer.byteLength(filter)}.`);
  return new Parser(tokenize(filter), filter).parse();
}
