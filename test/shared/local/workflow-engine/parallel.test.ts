import { describe, expect, it } from 'vitest';
import { RecordingClock, failure, result, run } from './helpers.ts';

describe('parallel', () => {
  it('branches write shared variables; branch locals stay local', async () => {
    expect(await result(`
- init:
    assign:
      - results: {}
- p:
    parallel:
      shared: [results]
      branches:
        - one:
            steps:
              - a:
                  assign:
                    - local: 1
                    - results["one"]: \${local}
        - two:
            steps:
              - b:
                  assign:
                    - local: 2
                    - results["two"]: \${local}
- r:
    return: \${results}
`)).toEqual({ one: 1, two: 2 });
  });

  it('a parallel for over a range, with shared accumulation', async () => {
    expect(await result(`
- init:
    assign:
      - total: 0
- p:
    parallel:
      shared: [total]
      for:
        value: v
        range: [1, 10]
        steps:
          - add:
              assign:
                - total: \${total + v}
- r:
    return: \${total}
`)).toBe(55);
  });

  it('runs branches concurrently on the clock: three 10 s sleeps take 10 s of virtual time', async () => {
    const clock = new RecordingClock();
    const start = clock.now().getTime();
    await result(`
- p:
    parallel:
      for:
        value: v
        in: [1, 2, 3]
        steps:
          - wait:
              call: sys.sleep
              args: {seconds: 10}
`, null, { clock });
    expect(clock.now().getTime() - start).toBe(10_000);
  });

  it('concurrency_limit queues iterations: limit 1 makes three 10 s sleeps take 30 s', async () => {
    const clock = new RecordingClock();
    const start = clock.now().getTime();
    await result(`
- init:
    assign:
      - order: []
- p:
    parallel:
      shared: [order]
      concurrency_limit: 1
      for:
        value: v
        in: [1, 2, 3]
        steps:
          - wait:
              call: sys.sleep
              args: {seconds: 10}
          - note:
              assign:
                - order: \${list.concat(order, v)}
- r:
    return: \${order}
`, null, { clock });
    expect(clock.now().getTime() - start).toBe(30_000);
  });

  it('an unhandled error lets the other branches finish, then raises UnhandledBranchError listing failures', async () => {
    const r = await run(`
- init:
    assign:
      - done: []
- p:
    parallel:
      shared: [done]
      exception_policy: continueAll
      for:
        value: n
        range: [0, 5]
        steps:
          - check:
              switch:
                - condition: \${n % 2 != 0}
                  raise: \${"odd " + string(n)}
          - ok:
              assign:
                - done: \${list.concat(done, n)}
`);
    expect(r.state).toBe('FAILED');
    const err = r.errorValue as Record<string, unknown>;
    expect(err.tags).toEqual(['UnhandledBranchError']);
    expect((err.branches as { id: string; error: { payload: string } }[]).map((b) => [b.id, JSON.parse(b.error.payload)])).toEqual([
      ['1', 'odd 1'], ['3', 'odd 3'], ['5', 'odd 5'],
    ]);
    expect(err.truncated).toBe(false);
  });

  it('the UnhandledBranchError can be caught by an enclosing try', async () => {
    expect(await result(`
- t:
    try:
      steps:
        - p:
            parallel:
              branches:
                - bad:
                    steps:
                      - boom:
                          raise: "x"
                - good:
                    steps:
                      - fine:
                          assign:
                            - y: 1
    except:
      as: e
      steps:
        - r:
            return: \${[e.tags[0], e.branches[0].id]}
`)).toEqual(['UnhandledBranchError', 'bad']);
  });

  it('break in a parallel for stops iterations not yet started', async () => {
    expect(await result(`
- init:
    assign:
      - seen: []
- p:
    parallel:
      shared: [seen]
      concurrency_limit: 1
      for:
        value: v
        in: [1, 2, 3, 4]
        steps:
          - note:
              assign:
                - seen: \${list.concat(seen, v)}
          - stop:
              switch:
                - condition: \${v == 2}
                  next: break
- r:
    return: \${seen}
`)).toEqual([1, 2]);
  });

  it('refuses a concurrency_limit above 20 at load time', async () => {
    await expect(run(`
- p:
    parallel:
      concurrency_limit: 21
      branches:
        - a:
            steps:
              - s:
                  assign:
                    - x: 1
`)).rejects.toThrow(/concurrency_limit must be between 1 and 20/);
  });

  it('branch frames see parent variables read-only', async () => {
    expect((await failure(`
- init:
    assign:
      - base: 10
      - out: {}
- p:
    parallel:
      shared: [out]
      branches:
        - b1:
            steps:
              - r:
                  assign:
                    - out.b1: \${base + 1}
              - bad:
                  raise: \${out}
`)).value).toMatchObject({ branches: [{ id: 'b1' }] });
  });

  it('nests two levels deep; shared variables pass through both levels; branches may call subworkflows', async () => {
    expect(await result(`
main:
  steps:
    - init:
        assign:
          - seen: []
    - outer:
        parallel:
          shared: [seen]
          concurrency_limit: 1
          branches:
            - a:
                steps:
                  - inner:
                      parallel:
                        shared: [seen]
                        concurrency_limit: 1
                        for:
                          value: v
                          in: [1, 2]
                          steps:
                            - note:
                                assign:
                                  - seen: \${list.concat(seen, label("a", v))}
            - b:
                steps:
                  - noteB:
                      assign:
                        - seen: \${list.concat(seen, label("b", 0))}
    - r:
        return: \${seen}
label:
  params: [prefix, n]
  steps:
    - r:
        return: \${prefix + string(n)}
`)).toEqual(['a1', 'a2', 'b0']);
  });

  it('records the branch id of each step in the history', async () => {
    const r = await run(`
- p:
    parallel:
      branches:
        - left:
            steps:
              - l:
                  assign:
                    - x: 1
        - right:
            steps:
              - rr:
                  assign:
                    - x: 2
`);
    expect(r.history.filter((h) => h.branch).map((h) => [h.step, h.branch])).toEqual([['l', 'left'], ['rr', 'right']]);
  });
});
