import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../../../shared/adapters/local/virtual-clock.ts';
import { RecordingClock, failure, result } from '../helpers.ts';

describe('sys.*', () => {
  it('sys.now gives seconds since the epoch as a double, from the injected clock', async () => {
    const clock = new VirtualClock('2026-03-01T12:00:00.500Z');
    expect(await result(`
- r:
    return: \${[sys.now(), type(sys.now())]}
`, null, { clock })).toEqual([Date.parse('2026-03-01T12:00:00.500Z') / 1000, 'double']);
  });

  it('sys.sleep waits on the clock; a day-long sleep takes no real time', async () => {
    const clock = new RecordingClock();
    expect(await result(`
- a:
    assign:
      - t0: \${sys.now()}
- s:
    call: sys.sleep
    args:
      seconds: 86400
- r:
    return: \${sys.now() - t0}
`, null, { clock })).toBe(86400);
    expect(clock.sleeps).toEqual([86_400_000]);
  });

  it('sys.sleep refuses negative seconds', async () => {
    expect((await failure(`
- s:
    call: sys.sleep
    args:
      seconds: -1
`)).tags).toContain('ValueError');
  });

  it('sys.get_env gives the built-in GOOGLE_CLOUD_* variables, user variables, and the default', async () => {
    const r = await result(`
- r:
    return:
      - \${sys.get_env("GOOGLE_CLOUD_PROJECT_ID")}
      - \${sys.get_env("GOOGLE_CLOUD_PROJECT_NUMBER")}
      - \${sys.get_env("GOOGLE_CLOUD_LOCATION")}
      - \${sys.get_env("GOOGLE_CLOUD_WORKFLOW_ID")}
      - \${sys.get_env("GOOGLE_CLOUD_WORKFLOW_REVISION_ID")}
      - \${sys.get_env("GOOGLE_CLOUD_WORKFLOW_EXECUTION_ID")}
      - \${sys.get_env("MY_VAR")}
      - \${sys.get_env("UNSET", "fallback")}
      - \${sys.get_env("UNSET")}
`, null, { env: { MY_VAR: 'mine' }, identity: { projectId: 'p1', projectNumber: '42', location: 'europe-west1', workflowId: 'wf', revisionId: 'rev-1', executionId: 'exec-1' } });
    expect(r).toEqual(['p1', '42', 'europe-west1', 'wf', 'rev-1', 'exec-1', 'mine', 'fallback', null]);
  });

  it('sys.get_env with a non-string name raises TypeError', async () => {
    expect((await failure(`
- r:
    return: \${sys.get_env(1)}
`)).tags).toContain('TypeError');
  });

  it('sys.log takes exactly one of data, text or json, and a known severity', async () => {
    expect((await failure(`
- l:
    call: sys.log
    args:
      text: "a"
      data: 1
`)).tags).toContain('TypeError');
    expect((await failure(`
- l:
    call: sys.log
    args:
      text: "a"
      severity: LOUD
`)).tags).toContain('ValueError');
  });

  it('sys.sleep_until waits until the given time on the clock', async () => {
    const clock = new RecordingClock();
    expect(await result(`
- s:
    call: sys.sleep_until
    args:
      time: "2026-01-01T01:00:00Z"
- r:
    return: \${sys.now()}
`, null, { clock })).toBe(Date.parse('2026-01-01T01:00:00Z') / 1000);
    expect(clock.sleeps).toEqual([3_600_000]);
  });

  it('refuses a single wait longer than the one-year execution limit', async () => {
    expect((await failure(`
- s:
    call: sys.sleep
    args:
      seconds: 40000000
`)).tags).toContain('ValueError');
  });
});

