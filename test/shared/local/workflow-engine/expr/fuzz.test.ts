// Fuzz: thousands of generated and mutated expressions. Whatever the input, the engine either returns a workflow
// value or raises a WorkflowError carrying string tags; it never lets a plain JavaScript exception escape.
import { describe, expect, it } from 'vitest';
import { tagged, WorkflowError } from '../../../../../shared/local/workflow-engine/errors.ts';
import {
  evaluate, evaluateTemplate, parseAssignTarget, parseExpression,
} from '../../../../../shared/local/workflow-engine/expr/index.ts';
import { stdlib } from '../../../../../shared/local/workflow-engine/stdlib/index.ts';
import { deepEqual, fromJs, isMap, typeName, type WfValue } from '../../../../../shared/local/workflow-engine/values.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VARS = fromJs({
  i: 7, neg: -3, d: 2.5, s: 'héllo, world', e: '', b: true, n: null,
  l: [1, 'two', 3.5, [4], { k: 'v' }], m: { a: 1, b: { c: [1, 2] }, 'x-y': 'z' },
  big: '9223372036854775807', bytes: null,
}) as Record<string, WfValue>;
VARS.raw = new Uint8Array([0, 255, 104, 105]);

const scope = {
  lookup: (name: string) => VARS[name],
  callExternal: async (name: string, args: WfValue[]): Promise<WfValue> => {
    if (name.startsWith('fail')) throw tagged('HttpError', `external ${name} failed`);
    return args.length ? args[0] : name;
  },
};

const ATOMS = ['i', 'neg', 'd', 's', 'e', 'b', 'n', 'l', 'm', 'raw', 'missing', '0', '1', '-1', '2.5', '0.0', '1e308',
  '9223372036854775807', '-9223372036854775808', '"a"', '""', "'q'", 'true', 'False', 'null', '[]', '{}', '[1, "x"]',
  '{"k": 1}', 'm.a', 'm.b.c', 'i % 0', 'd / 0', 'l[0]', 'l[9]', 'm["x-y"]', 'sub(1)', 'fail_call()'];
const BINOPS = ['+', '-', '*', '/', '//', '%', '<', '<=', '>', '>=', '==', '!=', 'in', 'not in', 'and', 'or'];
const FUNCS = [...stdlib.keys()].filter((f) => f !== 'uuid.generate');

function generate(rnd: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  if (depth > 4 || r < 0.3) return pick(ATOMS);
  if (r < 0.55) return `${generate(rnd, depth + 1)} ${pick(BINOPS)} ${generate(rnd, depth + 1)}`;
  if (r < 0.62) return `${pick(['-', 'not ', 'NOT '])}${generate(rnd, depth + 1)}`;
  if (r < 0.7) return `(${generate(rnd, depth + 1)})`;
  if (r < 0.76) return `${generate(rnd, depth + 1)}[${generate(rnd, depth + 1)}]`;
  if (r < 0.8) return `[${generate(rnd, depth + 1)}, ${generate(rnd, depth + 1)}]`;
  if (r < 0.84) return `{${generate(rnd, depth + 1)}: ${generate(rnd, depth + 1)}}`;
  if (r < 0.87) return `if(${generate(rnd, depth + 1)}, ${generate(rnd, depth + 1)}, ${generate(rnd, depth + 1)})`;
  const n = Math.floor(rnd() * 4);
  return `${pick(FUNCS)}(${Array.from({ length: n }, () => generate(rnd, depth + 1)).join(', ')})`;
}

const NOISE = ['(', ')', '[', ']', '{', '}', '"', "'", '\\', '.', ',', ':', '$', '-', '+', '*', '/', '%', '=', '<', '!',
  ' ', '0', '9', 'a', 'Z', '_', 'é', '\u{1F600}', '\n', 'in', 'not', 'and'];

function mutate(rnd: () => number, src: string): string {
  let out = src;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const op = rnd();
    const noise = NOISE[Math.floor(rnd() * NOISE.length)];
    if (op < 0.4) out = out.slice(0, at) + noise + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 3));
    else out = out.slice(0, at) + noise + out.slice(at + 1);
  }
  return out;
}

function checkValue(v: WfValue): void {
  expect(typeof typeName(v)).toBe('string');
  if (isMap(v)) expect(Object.getPrototypeOf(v)).toBeNull();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') expect(deepEqual(v, v) || Number.isNaN(v)).toBe(true);
}

function checkError(e: unknown, src: string): string {
  if (!(e instanceof WorkflowError)) throw new Error(`plain exception for ${JSON.stringify(src)}: ${String(e)}`);
  const tags = e.tags;
  expect(tags.length, src).toBeGreaterThan(0);
  return tags[0];
}

describe('expression fuzzing', () => {
  it('never throws a plain JavaScript exception over 5,000 generated and mutated expressions', async () => {
    const rnd = prng(20240611);
    const tagCounts = new Map<string, number>();
    let values = 0;
    for (let n = 0; n < 5000; n++) {
      const base = generate(rnd, 0);
      const src = n % 2 === 0 ? base : mutate(rnd, base);
      try {
        checkValue(await evaluate(parseExpression(src), scope));
        values++;
      } catch (e) {
        const tag = checkError(e, src);
        tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
      }
    }
    // The generator must exercise both outcomes and the main error families, or the test proves little.
    expect(values).toBeGreaterThan(500);
    for (const tag of ['ParseError', 'TypeError', 'KeyError', 'IndexError', 'ZeroDivisionError', 'ValueError', 'HttpError']) {
      expect(tagCounts.get(tag) ?? 0, `${tag} never raised`).toBeGreaterThan(0);
    }
  });

  it('never throws a plain exception for mutated assign targets and templates', async () => {
    const rnd = prng(99);
    for (let n = 0; n < 1500; n++) {
      const target = mutate(rnd, ['a.b["c"][0]', 'm[k]', 'x', 'l[1].y'][n % 4]);
      try { parseAssignTarget(target); } catch (e) { checkError(e, target); }
      const expr = generate(rnd, 2);
      const node = { [`\${${expr}}`]: [`\${${mutate(rnd, expr)}}`, 'lit ${x}', n, n + 0.5] };
      try { checkValue(await evaluateTemplate(node, scope)); } catch (e) { checkError(e, expr); }
    }
  });

  it('never throws a plain exception when stdlib functions get arbitrary arguments', () => {
    const rnd = prng(4242);
    const pool = Object.values(VARS).concat([fromJs({ prefix: 1 }), 'SHA256', 'UTF-8', '(a)(b)', '[', 'America/New_York', 1e300, -1n]);
    for (let n = 0; n < 3000; n++) {
      const [name, f] = [...stdlib.entries()][Math.floor(rnd() * stdlib.size)];
      const args = Array.from({ length: f.params.length }, () => pool[Math.floor(rnd() * pool.length)]);
      try { checkValue(f.call(args) as WfValue); } catch (e) { checkError(e, `${name}(${args.map(typeName).join(', ')})`); }
    }
  });
});
