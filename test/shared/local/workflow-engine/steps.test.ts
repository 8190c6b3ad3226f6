import { describe, expect, it } from 'vitest';
import { failure, result, run } from './helpers.ts';

describe('assign', () => {
  it('assigns in order, later assignments seeing earlier ones', async () => {
    expect(await result(`
- a:
    assign:
      - x: 1
      - y: \${x + 1}
      - z: \${[x, y]}
- r:
    return: \${z}
`)).toEqual([1, 2]);
  });

  it('writes nested targets a.b["c"][0] and creates missing intermediate maps', async () => {
    expect(await result(`
- a:
    assign:
      - m: {b: {c: [1, 2]}}
      - m.b["c"][0]: 10
      - m.new.deep: true
      - k: "dyn"
      - m[k]: 5
- r:
    return: \${m}
`)).toEqual({ b: { c: [10, 2] }, new: { deep: true }, dyn: 5 });
  });

  it('has value semantics: changing a copy leaves the original alone', async () => {
    expect(await result(`
- a:
    assign:
      - orig: {list: [1, 2]}
      - copy: \${orig}
      - copy.list[0]: 99
- r:
    return: \${[orig.list[0], copy.list[0]]}
`)).toEqual([1, 99]);
  });

  it('raises IndexError for an out-of-range list target and KeyError for an unknown root', async () => {
    expect((await failure(`
- a:
    assign:
      - l: [1]
      - l[3]: 2
`)).tags).toContain('IndexError');
    expect((await failure(`
- a:
    assign:
      - nope.x: 2
`)).tags).toContain('KeyError');
  });

  it('evaluates dynamic map keys written as expressions', async () => {
    expect(await result(`
- a:
    assign:
      - key: "MiddleName"
      - m:
          First: "John"
          \${key}: "Apple"
- r:
    return: \${m}
`)).toEqual({ First: 'John', MiddleName: 'Apple' });
  });
});

describe('call', () => {
  it('calls subworkflows with named args and param defaults, and stores result', async () => {
    expect(await result(`
main:
  steps:
    - c1:
        call: greet
        args: {name: "Ada"}
        result: r1
    - c2:
        call: greet
        args: {name: "Bob", greeting: "Hi"}
        result: r2
    - r:
        return: \${[r1, r2]}
greet:
  params: [name, greeting: "Hello"]
  steps:
    - r:
        return: \${greeting + " " + name}
`)).toEqual(['Hello Ada', 'Hi Bob']);
  });

  it('calls subworkflows inside expressions with positional args', async () => {
    expect(await result(`
main:
  steps:
    - r:
        return: \${add(2, 3) * 10}
add:
  params: [a, b]
  steps:
    - r:
        return: \${a + b}
`)).toBe(50);
  });

  it('a subworkflow without return yields null and does not see the caller variables', async () => {
    const f = await failure(`
main:
  steps:
    - a:
        assign:
          - secret: 1
    - c:
        call: peek
        result: r
peek:
  steps:
    - r:
        return: \${secret}
`);
    expect(f.tags).toContain('KeyError');
    expect(await result(`
main:
  steps:
    - c:
        call: nothing
        result: r
    - r:
        return: \${r}
nothing:
  steps:
    - a:
        assign:
          - x: 1
`)).toBeNull();
  });

  it('calls stdlib functions with named args', async () => {
    expect(await result(`
- c:
    call: text.split
    args: {source: "a-b-c", separator: "-"}
    result: parts
- r:
    return: \${parts}
`)).toEqual(['a', 'b', 'c']);
  });

  it('main receives the single runtime argument', async () => {
    expect(await result(`
main:
  params: [input]
  steps:
    - r:
        return: \${input.a + input.b}
`, { a: 1, b: 2 })).toBe(3);
  });
});

describe('switch and next', () => {
  const classify = `
main:
  params: [n]
  steps:
    - s:
        switch:
          - condition: \${n < 10}
            next: small
          - condition: \${n < 100}
            return: "medium"
        next: large
    - small:
        return: "small"
    - large:
        return: "large"
`;
  it('takes the first true condition, an embedded return, or the switch-level next', async () => {
    expect(await result(classify, 5)).toBe('small');
    expect(await result(classify, 50)).toBe('medium');
    expect(await result(classify, 500)).toBe('large');
  });

  it('runs the steps of a matched condition, then continues after the switch', async () => {
    expect(await result(`
- init:
    assign:
      - log: []
- s:
    switch:
      - condition: true
        steps:
          - inner:
              assign:
                - log: \${list.concat(log, "inner")}
- after:
    assign:
      - log: \${list.concat(log, "after")}
- r:
    return: \${log}
`)).toEqual(['inner', 'after']);
  });

  it('raises TypeError when a condition is not a bool', async () => {
    expect((await failure(`
- s:
    switch:
      - condition: \${1}
        next: end
`)).tags).toContain('TypeError');
  });

  it('next: end stops with a null result; jumps go backwards to loop', async () => {
    expect(await result(`
- a:
    next: end
- b:
    return: 1
`)).toBeNull();
    expect(await result(`
- init:
    assign:
      - i: 0
- loop:
    switch:
      - condition: \${i < 5}
        assign:
          - i: \${i + 1}
        next: loop
- r:
    return: \${i}
`)).toBe(5);
  });

  it('a next inside nested steps may target a step of an enclosing list', async () => {
    expect(await result(`
- outer:
    steps:
      - inner:
          next: target
      - skipped:
          return: "wrong"
- target:
    return: "right"
`)).toBe('right');
  });
});

describe('for', () => {
  it('iterates a list with value and index', async () => {
    expect(await result(`
- init:
    assign:
      - out: []
- loop:
    for:
      value: v
      index: i
      in: ["a", "b"]
      steps:
        - add:
            assign:
              - out: \${list.concat(out, string(i) + v)}
- r:
    return: \${out}
`)).toEqual(['0a', '1b']);
  });

  it('ranges are inclusive, and double ranges step by 1.0', async () => {
    expect(await result(`
- init:
    assign:
      - ints: []
      - doubles: []
- a:
    for:
      value: v
      range: [1, 3]
      steps:
        - s:
            assign:
              - ints: \${list.concat(ints, v)}
- b:
    for:
      value: v
      range: \${[-1.5, 1]}
      steps:
        - s2:
            assign:
              - doubles: \${list.concat(doubles, v)}
- r:
    return: \${[ints, doubles]}
`)).toEqual([[1, 2, 3], [-1.5, -0.5, 0.5]]);
  });

  it('break and continue', async () => {
    expect(await result(`
- init:
    assign:
      - sum: 0
- loop:
    for:
      value: v
      range: [1, 10]
      steps:
        - skipEven:
            switch:
              - condition: \${v % 2 == 0}
                next: continue
              - condition: \${v > 7}
                next: break
        - add:
            assign:
              - sum: \${sum + v}
- r:
    return: \${sum}
`)).toBe(1 + 3 + 5 + 7);
  });

  it('loop variables and variables created in the loop do not exist after it; outer ones are updated', async () => {
    const yaml = (ret: string) => `
- init:
    assign:
      - outer: 0
- loop:
    for:
      value: v
      in: [1, 2]
      steps:
        - s:
            assign:
              - outer: \${outer + v}
              - inner: \${v}
- r:
    return: \${${ret}}
`;
    expect(await result(yaml('outer'))).toBe(3);
    expect((await failure(yaml('inner'))).tags).toContain('KeyError');
    expect((await failure(yaml('v'))).tags).toContain('KeyError');
  });

  it('rejects a non-list in and a bad range at run time', async () => {
    expect((await failure(`
- loop:
    for:
      value: v
      in: \${"abc"}
      steps:
        - s:
            next: continue
`)).tags).toContain('TypeError');
  });

  it('return inside a loop returns from the subworkflow', async () => {
    expect(await result(`
- loop:
    for:
      value: v
      in: [1, 2, 3]
      steps:
        - s:
            switch:
              - condition: \${v == 2}
                return: \${v * 100}
- r:
    return: -1
`)).toBe(200);
  });
});

describe('raise, try and except', () => {
  it('raise of a string or a map; except binds it with as', async () => {
    expect(await result(`
- t:
    try:
      raise: "boom"
    except:
      as: e
      steps:
        - r:
            return: \${e}
`)).toBe('boom');
    expect(await result(`
- t:
    try:
      steps:
        - x:
            raise:
              code: 55
              message: "custom"
    except:
      as: e
      steps:
        - r:
            return: \${e.code}
`)).toBe(55);
  });

  it('catches runtime errors with their tags', async () => {
    expect(await result(`
- t:
    try:
      assign:
        - x: \${1 / 0}
    except:
      as: e
      steps:
        - r:
            return: \${e.tags}
`)).toEqual(['ZeroDivisionError', 'ArithmeticError']);
  });

  it('an uncaught raise fails the execution with the value as payload and the step in context', async () => {
    const f = await failure(`
- a:
    assign:
      - x: 1
- boom:
    raise: {message: "bad", code: 7}
`);
    expect(f.payload).toEqual({ message: 'bad', code: 7 });
    expect(f.context).toContain('in step "boom"');
  });

  it('except steps may re-raise, and except continues with the try step next', async () => {
    expect((await failure(`
- t:
    try:
      raise: "inner"
    except:
      as: e
      steps:
        - again:
            raise: \${"outer:" + e}
`)).payload).toBe('outer:inner');
    expect(await result(`
- t:
    try:
      raise: "x"
    except:
      steps:
        - handled:
            assign:
              - ok: true
    next: done
- notHere:
    return: false
- done:
    return: \${ok}
`)).toBe(true);
  });
});

describe('steps and history', () => {
  it('records each step transition with kind, routine and next', async () => {
    const r = await run(`
main:
  steps:
    - a:
        assign:
          - x: 1
    - c:
        call: sub
        result: y
    - r:
        return: \${y}
sub:
  steps:
    - s:
        return: 2
`);
    expect(r.state).toBe('SUCCEEDED');
    expect(r.history.map((h) => [h.routine, h.step, h.kind, h.state, h.next ?? null])).toEqual([
      ['main', 'a', 'assign', 'SUCCEEDED', null],
      ['sub', 's', 'return', 'SUCCEEDED', 'return'],
      ['main', 'c', 'call', 'SUCCEEDED', null],
      ['main', 'r', 'return', 'SUCCEEDED', 'return'],
    ]);
    expect(r.stepsExecuted).toBe(4);
  });

  it('sys.log entries are collected in the execution logs', async () => {
    const r = await run(`
- l:
    call: sys.log
    args:
      data: {a: 1}
      severity: WARNING
`);
    expect(r.logs).toEqual([expect.objectContaining({ severity: 'WARNING', payload: { a: 1 } })]);
  });
});

describe('sources', () => {
  it('accepts JSON workflow source, as Cloud Workflows does', async () => {
    expect(await result(JSON.stringify({ main: { params: ['a'], steps: [{ r: { return: '${a + 1}' } }] } }), 41)).toBe(42);
  });

  it('keeps YAML ints as int and 2.0 as double', async () => {
    expect(await result(`
- r:
    return: \${[type(2), type(2.0), 7 / 2, 7 // 2]}
`)).toEqual(['int', 'double', 3.5, 3]);
  });
});

