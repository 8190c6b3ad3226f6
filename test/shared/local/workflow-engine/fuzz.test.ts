/**
 * Fuzz-style robustness: thousands of generated and mutated workflows (deterministic seed, bounded sizes and
 * step limits). Loading either succeeds or throws WorkflowValidationError; running always resolves to an
 * ExecutionResult, never rejects, and never fails with SystemError (the tag a leaked JavaScript exception gets).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { VirtualClock } from '../../../../shared/adapters/local/virtual-clock.ts';
import { loadWorkflow, runWorkflow, WorkflowValidationError, type ExecutionResult } from '../../../../shared/local/workflow-engine/index.ts';

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

const rand = prng(20260101);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const chance = (p: number): boolean => rand() < p;

const VARS = ['x', 'y', 'm', 'l', 'undefinedVar', 'i'];
const LITERALS = ['1', '0', '-3', '2.5', '"s"', '""', 'true', 'false', 'null', '[1, 2]', '[]', '{"a": 1}', '9223372036854775807'];
const BINARY = ['+', '-', '*', '/', '//', '%', '==', '!=', '<', '>=', 'and', 'or', 'in'];
const CALLS = ['len', 'int', 'double', 'string', 'bool', 'keys', 'type', 'default', 'list.concat', 'map.get', 'text.split', 'json.encode_to_string', 'sys.now', 'sub'];

function expr(depth: number): string {
  if (depth <= 0 || chance(0.3)) return chance(0.5) ? pick(LITERALS) : pick(VARS);
  switch (Math.floor(rand() * 6)) {
    case 0: return `(${expr(depth - 1)} ${pick(BINARY)} ${expr(depth - 1)})`;
    case 1: return `not ${expr(depth - 1)}`;
    case 2: return `-${expr(depth - 1)}`;
    case 3: return `${pick(CALLS)}(${Array.from({ length: Math.floor(rand() * 3) }, () => expr(depth - 1)).join(', ')})`;
    case 4: return `${pick(VARS)}[${expr(depth - 1)}]`;
    default: return `${pick(VARS)}.${pick(['a', 'b', 'length'])}`;
  }
}

const e = (): string => `\${${expr(3)}}`;

let counter = 0;
function steps(depth: number, names: string[], inLoop: boolean): unknown[] {
  const n = 1 + Math.floor(rand() * 4);
  const out: unknown[] = [];
  for (let k = 0; k < n; k++) {
    const name = `s${counter++}`;
    names.push(name);
    out.push({ [name]: step(depth, names, inLoop) });
  }
  return out;
}

function nextTarget(names: string[], inLoop: boolean): string {
  const options = ['end', ...names.slice(-3), ...(inLoop ? ['break', 'continue'] : [])];
  return pick(options);
}

function step(depth: number, names: string[], inLoop: boolean): unknown {
  const kinds = depth > 0 ? ['assign', 'assign', 'call', 'switch', 'for', 'try', 'raise', 'return', 'steps', 'parallel'] : ['assign', 'call', 'raise', 'return'];
  switch (pick(kinds)) {
    case 'assign':
      return { assign: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => ({ [pick(['x', 'y', 'm', 'l', 'm.a', 'l[0]', 'm["b"]'])]: chance(0.7) ? e() : pick([1, 'str', null, [1], { a: 2 }]) })) };
    case 'call':
      return pick([
        { call: 'sys.log', args: { data: e() } },
        { call: 'sub', args: { p: e() }, result: 'y' },
        { call: 'len', args: { value: e() }, result: 'x' },
        { call: 'sys.sleep', args: { seconds: e() } },
        { call: 'http.get', args: { url: 'https://example.com/x', query: { q: e() } }, result: 'y' },
        { call: 'sys.get_env', args: { name: e() }, result: 'x' },
      ]);
    case 'switch':
      return { switch: Array.from({ length: 1 + Math.floor(rand() * 2) }, () => (chance(0.5) ? { condition: e(), next: nextTarget(names, inLoop) } : { condition: e(), steps: steps(depth - 1, names, inLoop) })) };
    case 'for':
      return { for: chance(0.5) ? { value: 'v', range: [0, Math.floor(rand() * 4)], steps: steps(depth - 1, names, true) } : { value: 'v', index: 'i', in: e(), steps: steps(depth - 1, names, true) } };
    case 'try':
      return { try: { steps: steps(depth - 1, names, inLoop) }, ...(chance(0.5) ? { retry: pick(['${http.default_retry}', '${retry.always}', { predicate: '${retry.always}', max_retries: 2, backoff: { initial_delay: 1, max_delay: 4, multiplier: 2 } }]) } : {}), except: { as: 'err', steps: steps(depth - 1, names, inLoop) } };
    case 'raise': return { raise: chance(0.5) ? e() : { code: 503, message: 'm' } };
    case 'return': return { return: e() };
    case 'steps': return { steps: steps(depth - 1, names, inLoop) };
    default:
      return { parallel: { shared: ['x'], branches: [{ b1: { steps: steps(depth - 1, [], false) } }, { b2: { steps: steps(depth - 1, [], false) } }] } };
  }
}

function generated(): string {
  counter = 0;
  const doc = {
    main: { params: ['args'], steps: [{ init: { assign: [{ x: 1 }, { y: 'a' }, { m: { a: 1 } }, { l: [1, 2] }] } }, ...steps(2, ['init'], false)] },
    sub: { params: ['p'], steps: [{ r: { return: e() } }] },
  };
  return stringify(doc);
}

function mutate(node: unknown, depth = 0): unknown {
  if (depth > 12) return node;
  if (Array.isArray(node)) {
    const copy = node.map((x) => mutate(x, depth + 1));
    if (chance(0.05) && copy.length) copy.splice(Math.floor(rand() * copy.length), 1);
    if (chance(0.05) && copy.length) copy.push(copy[0]);
    return copy;
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (chance(0.03)) continue;
      const key = chance(0.03) ? pick(['assign', 'call', 'next', 'steps', 'for', 'args', 'result', 'condition', 'bogus']) : k;
      out[key] = mutate(v, depth + 1);
    }
    return out;
  }
  if (chance(0.08)) return pick([e(), 0, -1, 'end', null, true, [], {}, 'x', '${', '${}']);
  return node;
}

const corpusDir = process.env.WORKFLOWS_CORPUS_DIR ?? fileURLToPath(new URL('../../../../../shared/corpus/workflows-samples/src/', import.meta.url));
const seeds = existsSync(corpusDir) ? readdirSync(corpusDir).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(corpusDir, f), 'utf8')) : [];

const fakeFetch: typeof fetch = async () => new Response(JSON.stringify(pick([{ ok: true }, [1, 2], 'text', 7])), {
  status: pick([200, 200, 404, 503]), headers: { 'content-type': 'application/json' },
});

async function exercise(text: string): Promise<ExecutionResult | 'invalid'> {
  let program;
  try {
    program = loadWorkflow(text, 'fuzz.yaml', { limits: { maxStepsPerExecution: 100, maxCallStackDepth: 8 } });
  } catch (err) {
    if (err instanceof WorkflowValidationError) return 'invalid';
    throw err;
  }
  return runWorkflow(program, { a: 1 }, { clock: new VirtualClock(), fetch: fakeFetch, connectorBaseUrl: 'http://fuzz.invalid' });
}

function checkResult(r: ExecutionResult | 'invalid', text: string): void {
  if (r === 'invalid') return;
  expect(['SUCCEEDED', 'FAILED']).toContain(r.state);
  if (r.state === 'FAILED' && (r.error.tags ?? []).includes('SystemError')) {
    throw new Error(`internal error leaked:\n${r.error.payload}\n--- workflow ---\n${text}`);
  }
}

describe('fuzz: the engine never fails with a JavaScript exception', () => {
  it('1000 generated workflows', async () => {
    const outcomes = { invalid: 0, SUCCEEDED: 0, FAILED: 0, CANCELLED: 0 };
    for (let n = 0; n < 1000; n++) {
      const text = generated();
      const r = await exercise(text);
      checkResult(r, text);
      outcomes[r === 'invalid' ? 'invalid' : r.state]++;
    }
    // The generator must reach all three outcomes, or it is not exercising the interpreter.
    expect(outcomes.SUCCEEDED).toBeGreaterThan(30);
    expect(outcomes.FAILED).toBeGreaterThan(30);
    expect(outcomes.invalid).toBeGreaterThan(10);
  }, 60_000);

  it.runIf(seeds.length > 0)('1000 mutations of the corpus samples', async () => {
    let ran = 0;
    for (let n = 0; n < 1000; n++) {
      const base = parse(pick(seeds), { intAsBigInt: false }) as unknown;
      const text = chance(0.1) ? stringify(mutate(base)).slice(0, Math.floor(rand() * 400)) : stringify(mutate(base));
      const r = await exercise(text);
      checkResult(r, text);
      if (r !== 'invalid') ran++;
    }
    expect(ran).toBeGreaterThan(200);
  }, 60_000);
});
