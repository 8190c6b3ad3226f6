/**
 * Differential check of in-place writes (ownership.ts): random sequences of aliasing assignments, indexed writes,
 * appends, loops and subworkflow calls run on the engine and on a reference model with plain value semantics
 * (every assignment deep-copies). Any write seen through another holder makes the two disagree. Deterministic seed.
 */
import { describe, expect, it } from 'vitest';
import { result } from './helpers.ts';

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

type V = number | V[] | { [k: string]: V };
const copy = (v: V): V => structuredClone(v);
const isList = (v: V | undefined): v is V[] => Array.isArray(v);
const isMap = (v: V | undefined): v is { [k: string]: V } => v !== undefined && typeof v === 'object' && !Array.isArray(v);

const NAMES = ['a', 'b', 'c'];
const KEYS = ['k1', 'k2', 'k3'];

/** One random program: YAML assign steps plus the model's expected final variables. */
function program(rand: () => number, ops: number): { yaml: string; expected: V[] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const env: Record<string, V> = { a: {}, b: [], c: { k1: { k2: 1 } } };
  const steps: string[] = ['    - init:\n        assign:\n          - a: {}\n          - b: []\n          - c: {k1: {k2: 1}}'];
  let n = 0;
  const step = (body: string): void => { steps.push(`    - s${n++}:\n${body}`); };
  const assign = (target: string, value: string): void => step(`        assign:\n          - ${target}: ${value}`);
  for (let i = 0; i < ops; i++) {
    const x = pick(NAMES);
    const y = pick(NAMES);
    const k = pick(KEYS);
    const num = Math.floor(rand() * 100);
    switch (Math.floor(rand() * 9)) {
      case 0: // alias a whole variable
        assign(x, `\${${y}}`);
        env[x] = copy(env[y]);
        break;
      case 1: // write a key (maps only) with a number or with another variable
        if (!isMap(env[x])) break;
        if (rand() < 0.5) {
          assign(`${x}["${k}"]`, String(num));
          env[x][k] = num;
        } else {
          assign(`${x}["${k}"]`, `\${${y}}`);
          const v = copy(env[y]);
          (env[x] as Record<string, V>)[k] = v;
        }
        break;
      case 2: { // write a nested key, creating the intermediate map when missing
        const m = env[x];
        if (!isMap(m)) break;
        const inner = m[k];
        if (inner !== undefined && !isMap(inner)) break;
        const j = pick(KEYS);
        assign(`${x}["${k}"]["${j}"]`, String(num));
        if (inner === undefined) m[k] = { [j]: num };
        else inner[j] = num;
        break;
      }
      case 3: // append (lists only), a number or another variable
        if (!isList(env[x])) break;
        if (rand() < 0.5) {
          assign(x, `\${list.concat(${x}, ${num})}`);
          env[x].push(num);
        } else {
          assign(x, `\${list.concat(${x}, ${y})}`);
          (env[x] as V[]).push(copy(env[y]));
        }
        break;
      case 4: { // write into a list element that is a map
        const l = env[x];
        if (!isList(l) || l.length === 0) break;
        const idx = Math.floor(rand() * l.length);
        if (!isMap(l[idx])) break;
        assign(`${x}[${idx}]["${k}"]`, String(num));
        (l[idx] as Record<string, V>)[k] = num;
        break;
      }
      case 5: // take a nested value out
        if (!isMap(env[y]) || !isMap((env[y] as Record<string, V>)[k])) break;
        assign(x, `\${${y}["${k}"]}`);
        env[x] = copy((env[y] as Record<string, V>)[k]);
        break;
      case 6: // loop over a list, appending to it
        if (!isList(env[x])) break;
        step(`        for:\n          value: v\n          in: \${${x}}\n          steps:\n            - grow${n}:\n                assign:\n                  - ${x}: \${list.concat(${x}, v)}`);
        env[x] = [...env[x], ...copy(env[x]) as V[]];
        break;
      case 7: // a subworkflow writes its copy and returns it
        if (!isMap(env[y])) break;
        step(`        call: touch\n        args:\n          p: \${${y}}\n        result: ${x}`);
        env[x] = { ...copy(env[y]) as Record<string, V>, touched: 1 };
        break;
      case 8: // reset
        if (rand() < 0.5) { assign(x, '{}'); env[x] = {}; } else { assign(x, '[]'); env[x] = []; }
        break;
    }
  }
  const yaml = `main:\n  steps:\n${steps.join('\n')}\n    - done:\n        return: \${[a, b, c]}\ntouch:\n  params: [p]\n  steps:\n    - w:\n        assign:\n          - p["touched"]: 1\n    - r:\n        return: \${p}\n`;
  return { yaml, expected: NAMES.map((v) => env[v]) };
}

describe('in-place writes agree with plain value semantics', () => {
  it('on 150 random programs of aliasing, indexed writes, appends, loops and calls', async () => {
    const rand = prng(4242);
    for (let i = 0; i < 150; i++) {
      const { yaml, expected } = program(rand, 25);
      let got: unknown;
      try {
        got = await result(yaml);
      } catch (err) {
        throw new Error(`program ${i} failed: ${(err as Error).message}\n${yaml}`);
      }
      expect(got, `program ${i}:\n${yaml}`).toEqual(expected);
    }
  }, 60_000);
});
