import { describe, expect, it } from 'vitest';
import { loadWorkflow, WorkflowValidationError } from '../../../../shared/local/workflow-engine/index.ts';
import { failure, result } from './helpers.ts';

function issues(yaml: string): { step?: string; reason: string; where: string }[] {
  try {
    loadWorkflow(yaml, 'v.yaml');
  } catch (err) {
    if (err instanceof WorkflowValidationError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a validation error');
}

describe('validation at load time', () => {
  it('refuses unknown step kinds and unknown fields, naming the step', () => {
    expect(issues(`
- s1:
    asign:
      - x: 1
`)).toEqual([expect.objectContaining({ step: 's1', reason: expect.stringMatching(/unknown field "asign"/) })]);
    expect(issues(`
- s1:
    call: sys.log
    argz: {text: "x"}
`)[0]).toMatchObject({ step: 's1', reason: expect.stringMatching(/unknown field "argz"/) });
  });

  it('accepts next beside return or raise, as Google\'s schema and deployments do; the return or raise wins', async () => {
    expect(await result(`
- s1:
    return: 1
    next: s2
- s2:
    return: 2
`)).toBe(1);
    expect((await failure(`
- s1:
    raise: "boom"
    next: end
`)).payload).toBe('boom');
    expect(await result(`
- sw:
    switch:
      - condition: true
        return: "matched"
        next: after
- after:
    return: "fell through"
`)).toBe('matched');
    // The target is still checked.
    expect(issues(`
- s1:
    return: 1
    next: nowhere
`)[0]).toMatchObject({ step: 's1', reason: expect.stringMatching(/"nowhere" does not exist/) });
  });

  it('refuses bad next targets and break/continue outside a loop', () => {
    expect(issues(`
- s1:
    next: nowhere
`)[0]).toMatchObject({ step: 's1', reason: expect.stringMatching(/"nowhere" does not exist/) });
    expect(issues(`
- s1:
    next: break
`)[0]).toMatchObject({ step: 's1', reason: expect.stringMatching(/only allowed inside a for loop/) });
    expect(issues(`
- loop:
    for:
      value: v
      in: [1]
      steps:
        - inner:
            next: outside
- outside:
    return: 1
`)[0]).toMatchObject({ step: 'inner', reason: expect.stringMatching(/does not exist/) });
  });

  it('refuses duplicate step names in a subworkflow, but allows them across subworkflows', () => {
    expect(issues(`
- a:
    assign:
      - x: 1
- b:
    steps:
      - a:
          assign:
            - y: 1
`)[0]).toMatchObject({ step: 'a', reason: expect.stringMatching(/duplicate step name "a"/) });
    expect(() => loadWorkflow(`
main:
  steps:
    - init:
        call: sub
sub:
  steps:
    - init:
        assign:
          - a: 0
`)).not.toThrow();
  });

  it('refuses more than 50 assignments in one step', () => {
    const many = Array.from({ length: 51 }, (_, i) => `      - v${i}: ${i}`).join('\n');
    expect(issues(`
- big:
    assign:
${many}
`)[0]).toMatchObject({ step: 'big', reason: expect.stringMatching(/51 assignments in one step; the limit is 50/) });
  });

  it('refuses a branch assigning a parent variable that is not shared', () => {
    expect(issues(`
- init:
    assign:
      - input: [1]
      - my_result: {}
- p:
    parallel:
      shared: [my_result]
      branches:
        - b1:
            steps:
              - ok:
                  assign:
                    - my_result["x"]: 1
                    - temp: 1
              - bad:
                  assign:
                    - input: 5
`)).toEqual([expect.objectContaining({ step: 'bad', reason: expect.stringMatching(/assigns "input".*not listed in "shared"/) })]);
  });

  it('refuses schema errors: non-list steps, bad for, bad retry, unknown subworkflow, missing args, bad expressions', () => {
    expect(issues('main:\n  steps: {a: 1}\n')[0].reason).toMatch(/"steps" must be a list/);
    expect(issues(`
- l:
    for:
      value: v
      steps:
        - s:
            assign:
              - x: 1
`)[0].reason).toMatch(/exactly one of "in" or "range"/);
    expect(issues(`
- t:
    try:
      call: sys.log
      args: {text: "x"}
    retry: \${http.made_up}
`)[0].reason).toMatch(/unknown retry policy/);
    expect(issues(`
- c:
    call: not_defined
`)[0].reason).toMatch(/neither a subworkflow nor a standard-library function/);
    expect(issues(`
main:
  steps:
    - c:
        call: sub
sub:
  params: [needed]
  steps:
    - r:
        return: \${needed}
`)[0].reason).toMatch(/missing required argument "needed"/);
    expect(issues(`
- a:
    assign:
      - x: \${1 +}
`)[0]).toMatchObject({ step: 'a', reason: expect.stringMatching(/invalid expression/) });
    expect(issues(`
- a:
    assign:
      - x: \${"${'a'.repeat(400)}"}
`)[0].reason).toMatch(/characters long; the limit is 400/);
    expect(issues('just a string')[0].reason).toMatch(/list of steps or a map with a "main"/);
    expect(issues('- a: [unclosed')[0].reason).toMatch(/not valid YAML/);
  });

  it('refuses parallel nesting deeper than two levels', () => {
    const leaf = `
                            steps:
                              - s:
                                  assign:
                                    - x: 1`;
    expect(issues(`
- p1:
    parallel:
      branches:
        - a:
            steps:
              - p2:
                  parallel:
                    branches:
                      - b:
                          steps:
                            - p3:
                                parallel:
                                  branches:
                                    - c:
${leaf.replace(/^ {28}/gm, '                                        ')}
`).some((i) => /ParallelNestingError/.test(i.reason))).toBe(true);
  });

  it('lists every issue at once', () => {
    expect(issues(`
- a:
    nope: 1
- b:
    assign: []
- c:
    call: sys.log
    result: 5
`).map((i) => i.step)).toEqual(['a', 'b', 'c']);
  });

  it('refuses blocking calls (http.*, sys.sleep, sys.log, events.await_callback) inside expressions', () => {
    expect(issues(`
- a:
    assign:
      - r: \${http.get("https://example.com")}
`)[0]).toMatchObject({ step: 'a', reason: expect.stringMatching(/http.get is a blocking call and cannot be used inside an expression/) });
    expect(issues(`
- s:
    switch:
      - condition: \${sys.log("x") == null}
        next: end
`)[0].reason).toMatch(/sys.log is a blocking call/);
    expect(() => loadWorkflow(`
- a:
    assign:
      - t: \${sys.now()}
      - e: \${sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
`)).not.toThrow();
  });
});

