// Recursive-descent parser for Workflows expressions, at the precedence of the syntax reference
// (highest first): () . [] | not | unary - | * / // % | + - | < <= > >= == != in | and | or.
import { tagged } from '../errors.ts';
import { asDottedName, type Ast, type BinaryOp } from './ast.ts';
import { parseError, tokenize, type Token } from './lexer.ts';

/** Documented system limit: the maximum number of characters in one expression. */
export const MAX_EXPRESSION_LENGTH = 400;

const KEYWORD_VALUES: Record<string, Ast> = {
  true: { kind: 'literal', value: true }, True: { kind: 'literal', value: true }, TRUE: { kind: 'literal', value: true },
  false: { kind: 'literal', value: false }, False: { kind: 'literal', value: false }, FALSE: { kind: 'literal', value: false },
  null: { kind: 'literal', value: null },
};
/** Logical operators may be all lower-case or all upper-case, never mixed. */
const AND = new Set(['and', 'AND']);
const OR = new Set(['or', 'OR']);
const NOT = new Set(['not', 'NOT']);
const RESERVED = new Set([...AND, ...OR, ...NOT, 'in', ...Object.keys(KEYWORD_VALUES)]);
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
const MAX_NESTING = 200;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string, private readonly toks: Token[]) {}

  private peek(): Token { return this.toks[this.i]; }
  private next(): Token { return this.toks[this.i++]; }
  private isOp(v: string): boolean { const t = this.peek(); return t.t === 'op' && t.value === v; }
  private isName(set: Set<string>): boolean { const t = this.peek(); return t.t === 'name' && set.has(t.value); }

  private expectOp(v: string): void {
    if (!this.isOp(v)) this.fail(`expected '${v}'`);
    this.i++;
  }

  fail(what: string): never {
    const t = this.peek();
    const found = t.t === 'eof' ? 'end of expression' : `'${this.src.slice(t.pos, t.pos + 12)}'`;
    return parseError(this.src, t.pos, `${what}, found ${found}`);
  }

  parseAll(): Ast {
    const ast = this.or();
    if (this.peek().t !== 'eof') this.fail('unexpected token');
    return ast;
  }

  private nest<T>(f: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail('expression nested too deeply');
    try { return f(); } finally { this.depth--; }
  }

  or(): Ast {
    let left = this.and();
    while (this.isName(OR)) { this.i++; left = { kind: 'binary', op: 'or', left, right: this.and() }; }
    return left;
  }

  private and(): Ast {
    let left = this.comparison();
    while (this.isName(AND)) { this.i++; left = { kind: 'binary', op: 'and', left, right: this.comparison() }; }
    return left;
  }

  private comparison(): Ast {
    let left = this.additive();
    for (;;) {
      const t = this.peek();
      let op: BinaryOp | undefined;
      if (t.t === 'op' && COMPARISONS.has(t.value)) { op = t.value as BinaryOp; this.i++; }
      else if (t.t === 'name' && t.value === 'in') { op = 'in'; this.i++; }
      else if (t.t === 'name' && NOT.has(t.value)) {
        const after = this.toks[this.i + 1];
        if (after.t === 'name' && after.value === 'in') { op = 'not in'; this.i += 2; }
      }
      if (!op) return left;
      left = { kind: 'binary', op, left, right: this.additive() };
    }
  }

  private additive(): Ast {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { value: string }).value as BinaryOp;
      left = { kind: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Ast {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = (this.next() as { value: string }).value as BinaryOp;
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Ast {
    if (this.isName(NOT)) {
      this.i++;
      return this.nest(() => ({ kind: 'unary', op: 'not', operand: this.unary() }));
    }
    if (this.isOp('-')) {
      this.i++;
      const direct = this.peek().t === 'num';
      return this.nest((): Ast => {
        const operand = this.unary();
        // Fold a minus written directly before a number literal, so -9223372036854775808 is representable.
        if (direct && operand.kind === 'literal' && (typeof operand.value === 'bigint' || typeof operand.value === 'number')) {
          return { kind: 'literal', value: -operand.value };
        }
        return { kind: 'unary', op: '-', operand };
      });
    }
    if (this.isOp('+')) this.fail('unary plus is not supported');
    return this.postfix();
  }

  private postfix(): Ast {
    let node = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.t !== 'name') { this.i--; this.fail("expected a name after '.'"); }
        node = { kind: 'member', object: node, name: t.value };
      } else if (this.isOp('[')) {
        this.i++;
        const index = this.nest(() => this.or());
        this.expectOp(']');
        node = { kind: 'index', object: node, index };
      } else if (this.isOp('(')) {
        const name = asDottedName(node);
        if (name === undefined) this.fail('only named functions can be called');
        this.i++;
        const args = this.nest(() => this.commaList(')'));
        node = { kind: 'call', name, args };
      } else {
        return node;
      }
    }
  }

  private commaList(close: string): Ast[] {
    const items: Ast[] = [];
    if (this.isOp(close)) { this.i++; return items; }
    for (;;) {
      items.push(this.or());
      if (this.isOp(',')) { this.i++; continue; }
      this.expectOp(close);
      return items;
    }
  }

  private primary(): Ast {
    const t = this.next();
    switch (t.t) {
      case 'num': return { kind: 'literal', value: t.value };
      case 'str': return { kind: 'literal', value: t.value };
      case 'name': {
        const kw = KEYWORD_VALUES[t.value];
        if (kw) return kw;
        if (RESERVED.has(t.value)) { this.i--; return this.fail(`unexpected keyword '${t.value}'`); }
        return { kind: 'variable', name: t.value };
      }
      case 'op':
        if (t.value === '(') {
          const inner = this.nest(() => this.or());
          this.expectOp(')');
          return inner;
        }
        if (t.value === '[') return this.nest(() => ({ kind: 'list', items: this.commaList(']') }));
        if (t.value === '{') return this.nest(() => this.mapLiteral());
        this.i--;
        return this.fail('unexpected operator');
      default:
        this.i--;
        return this.fail('expected a value');
    }
  }

  private mapLiteral(): Ast {
    const entries: Array<{ key: Ast; value: Ast }> = [];
    if (this.isOp('}')) { this.i++; return { kind: 'map', entries }; }
    for (;;) {
      const key = this.or();
      this.expectOp(':');
      entries.push({ key, value: this.or() });
      if (this.isOp(',')) { this.i++; continue; }
      this.expectOp('}');
      return { kind: 'map', entries };
    }
  }

  /** `root(.name | [expr])*` for assign targets. */
  assignTarget(): { root: string; path: Array<Ast | string> } {
    const first = this.next();
    if (first.t !== 'name' || RESERVED.has(first.value)) { this.i--; this.fail('expected a variable name'); }
    const path: Array<Ast | string> = [];
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.t !== 'name') { this.i--; this.fail("expected a name after '.'"); }
        path.push(t.value);
      } else if (this.isOp('[')) {
        this.i++;
        path.push(this.or());
        this.expectOp(']');
      } else if (this.peek().t === 'eof') {
        return { root: first.value, path };
      } else {
        this.fail('unexpected token in assignment target');
      }
    }
  }
}

const cache = new Map<string, Ast>();
const CACHE_LIMIT = 20_000;

/** Parses the text inside `${...}`. Results are cached by source text (ASTs are immutable). */
export function parseExpression(source: string): Ast {
  const hit = cache.get(source);
  if (hit) return hit;
  if (typeof source !== 'string') throw tagged('TypeError', `expression source must be a string, got ${typeof source}`);
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw tagged('ResourceLimitError', `expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}: ${source.slice(0, 60)}...`);
  }
  if (source.trim() === '') throw tagged('ParseError', 'empty expression ${}');
  const ast = new Parser(source, tokenize(source)).parseAll();
  rejectOversizedLiterals(ast, source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, ast);
  return ast;
}

/** Parses an assign target such as `a.b["c"][0]` or `my_map[key_var]`. */
export function parseAssignTarget(source: string): { root: string; path: Array<Ast | string> } {
  if (typeof source !== 'string' || source.trim() === '') throw tagged('ParseError', 'empty assignment target');
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw tagged('ResourceLimitError', `assignment target is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`);
  }
  return new Parser(source, tokenize(source)).assignTarget();
}

/**
 * True when the whole string is one `${...}` expression: it starts with `${`, and the brace that closes it
 * (skipping braces inside string literals) is the last character. `"${a} and ${b}"` is not an expression.
 */
export function isExpression(s: string): boolean {
  if (typeof s !== 'string' || s.length < 3 || !s.startsWith('${') || !s.endsWith('}')) return false;
  return closingBrace(s, 2) === s.length - 1;
}

/** Text inside `${...}`; the caller has checked isExpression. */
export function expressionBody(s: string): string {
  return s.slice(2, -1);
}

function closingBrace(s: string, from: number): number {
  let depth = 1;
  let quote = '';
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** The lexer lets 2^63 through so a negated literal can reach INT64_MIN; un-negated, it is out of range. */
function rejectOversizedLiterals(ast: Ast, source: string): void {
  switch (ast.kind) {
    case 'literal':
      if (typeof ast.value === 'bigint' && ast.value > 9223372036854775807n) {
        throw tagged('ParseError', `integer literal ${ast.value} does not fit in 64 bits in expression: ${source}`);
      }
      return;
    case 'variable': return;
    case 'member': rejectOversizedLiterals(ast.object, source); return;
    case 'index': rejectOversizedLiterals(ast.object, source); rejectOversizedLiterals(ast.index, source); return;
    case 'call': for (const a of ast.args) rejectOversizedLiterals(a, source); return;
    case 'unary': rejectOversizedLiterals(ast.operand, source); return;
    case 'binary': rejectOversizedLiterals(ast.left, source); rejectOversizedLiterals(ast.right, source); return;
    case 'list': for (const a of ast.items) rejectOversizedLiterals(a, source); return;
    case 'map': for (const e of ast.entries) { rejectOversizedLiterals(e.key, source); rejectOversizedLiterals(e.value, source); } return;
  }
}
