import { describe, expect, it } from 'vitest';
import { RecordingClock, failure, result, run } from './helpers.ts';

/** A try body that fails with `error` until attempt `succeedAt` (never when 0), counting attempts. */
function flaky(retry: string, error: string, succeedAt: number, extra = ''): string {
  return `
main:
  steps:
    - init:
        assign:
          - attempts: 0
    - t:
        try:
          steps:
            - inc:
                assign:
                  - attempts: \${attempts + 1}
            - maybeFail:
                switch:
                  - condition: \${${succeedAt} == 0 or attempts < ${succeedAt}}
                    raise: ${error}
        retry: ${retry}
    - r:
        return: \${attempts}
${extra}`;
}

const e503 = '{code: 503, message: "unavailable"}';

describe('predefined retry policies', () => {
  it('http.default_retry retries 503 with the default backoff 1s ×1.25', async () => {
    const clock = new RecordingClock();
    expect(await result(flaky('${http.default_retry}', e503, 4), null, { clock })).toBe(4);
    expect(clock.sleeps).toEqual([1000, 1250, 1562.5]);
  });

  it('gives up after max_retries 5 and fails with the last error', async () => {
    const clock = new RecordingClock();
    const f = await failure(flaky('${http.default_retry}', e503, 0), null, { clock });
    expect(f.payload).toEqual({ code: 503, message: 'unavailable' });
    expect(clock.sleeps).toEqual([1000, 1250, 1562.5, 1953.125, 2441.40625]);
  });

  it.each([
    [429, true], [502, true], [503, true], [504, true], [500, false], [404, false],
  ])('http.default_retry on code %i retries: %s', async (code, retried) => {
    const clock = new RecordingClock();
    await run(flaky('${http.default_retry}', `{code: ${code}}`, 2), null, { clock });
    expect(clock.sleeps.length).toBe(retried ? 1 : 0);
  });

  it.each([
    [429, true], [503, true], [502, false], [504, false],
  ])('http.default_retry_non_idempotent on code %i retries: %s', async (code, retried) => {
    const clock = new RecordingClock();
    await run(flaky('${http.default_retry_non_idempotent}', `{code: ${code}}`, 2), null, { clock });
    expect(clock.sleeps.length).toBe(retried ? 1 : 0);
  });

  it.each([
    ['${http.default_retry}', 'ConnectionError', true],
    ['${http.default_retry}', 'ConnectionFailedError', true],
    ['${http.default_retry}', 'TimeoutError', true],
    ['${http.default_retry_non_idempotent}', 'ConnectionFailedError', true],
    ['${http.default_retry_non_idempotent}', 'ConnectionError', false],
    ['${http.default_retry_non_idempotent}', 'TimeoutError', false],
  ])('%s on tag %s retries: %s', async (policy, tag, retried) => {
    const clock = new RecordingClock();
    await run(flaky(policy, `{message: "net", tags: ["${tag}"]}`, 2), null, { clock });
    expect(clock.sleeps.length).toBe(retried ? 1 : 0);
  });

  it('retry.always retries anything (even a raised string); retry.never nothing', async () => {
    const always = new RecordingClock();
    expect(await result(flaky('${retry.always}', '"plain string"', 3), null, { clock: always })).toBe(3);
    expect(always.sleeps).toEqual([1000, 1250]);
    const never = new RecordingClock();
    expect((await failure(flaky('${retry.never}', e503, 3), null, { clock: never })).payload).toEqual({ code: 503, message: 'unavailable' });
    expect(never.sleeps).toEqual([]);
  });
});

describe('custom retry policies', () => {
  it('uses max_retries and backoff {initial_delay, max_delay, multiplier}', async () => {
    const clock = new RecordingClock();
    const retry = `
          predicate: \${http.default_retry_predicate}
          max_retries: 4
          backoff:
            initial_delay: 2
            max_delay: 10
            multiplier: 3`;
    await run(flaky(retry, e503, 0), null, { clock });
    expect(clock.sleeps).toEqual([2000, 6000, 10000, 10000]);
  });

  it('calls a predicate subworkflow with the error and retries only when it returns true', async () => {
    const predicate = `
only_202:
  params: [e]
  steps:
    - check:
        switch:
          - condition: \${e.code == 202}
            return: true
    - otherwise:
        return: false`;
    const retry = `
          predicate: \${only_202}
          max_retries: 5
          backoff:
            initial_delay: 1
            max_delay: 60
            multiplier: 2`;
    const clock = new RecordingClock();
    expect(await result(flaky(retry, '{code: 202}', 3, predicate), null, { clock })).toBe(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
    const noRetry = new RecordingClock();
    expect((await failure(flaky(retry, '{code: 404}', 3, predicate), null, { clock: noRetry })).payload).toEqual({ code: 404 });
    expect(noRetry.sleeps).toEqual([]);
  });

  it('a predicate that does not return a bool raises TypeError', async () => {
    const predicate = `
bad_pred:
  params: [e]
  steps:
    - r:
        return: "yes"`;
    const retry = `
          predicate: \${bad_pred}
          max_retries: 2`;
    expect((await failure(flaky(retry, e503, 0, predicate))).tags).toContain('TypeError');
  });

  it('retries first, then hands the last error to except', async () => {
    const clock = new RecordingClock();
    expect(await result(`
- init:
    assign:
      - attempts: 0
- t:
    try:
      steps:
        - inc:
            assign:
              - attempts: \${attempts + 1}
        - fail:
            raise: {code: 429}
    retry:
      predicate: \${retry.always}
      max_retries: 2
      backoff:
        initial_delay: 0.5
        max_delay: 5
        multiplier: 2
    except:
      as: e
      steps:
        - r:
            return: \${[attempts, e.code]}
`, null, { clock })).toEqual([3, 429]);
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('the predefined predicates are callable as functions', async () => {
    expect(await result(`
- r:
    return: '\${[http.default_retry_predicate({"code": 503}), http.default_retry_predicate_non_idempotent({"code": 502}), retry.always(null)]}'
`)).toEqual([true, false, true]);
  });

  it('a recovery-length backoff runs in virtual time', async () => {
    const clock = new RecordingClock();
    const started = clock.now().getTime();
    await run(`
- t:
    try:
      raise: {code: 503}
    retry:
      predicate: \${http.default_retry_predicate}
      max_retries: 30
      backoff:
        initial_delay: 10
        max_delay: 600
        multiplier: 2
`, null, { clock });
    expect(clock.sleeps).toHaveLength(30);
    expect(clock.now().getTime() - started).toBe(clock.sleeps.reduce((a, b) => a + b, 0));
    expect(clock.sleeps.at(-1)).toBe(600_000);
  });
});
