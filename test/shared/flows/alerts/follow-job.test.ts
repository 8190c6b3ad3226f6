/**
 * The scheduled follow tick on cp-monitoring-alerts: in production nothing else notices that a
 * remediation's workflow execution has ended, so this is what ends the run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawMessage, startHarness, type Harness } from './harness.ts';
import { incidentMessage } from './harness.ts';

const tick = (publishTime: string) => ({
  ...rawMessage({ apiVersion: 'stackctl/v1', kind: 'RemediationFollowJob', job: 'remediation-follow' }),
  publishTime: new Date(publishTime),
});

describe('RemediationFollowJob', () => {
  let h: Harness;
  beforeEach(() => { h = startHarness(); });
  afterEach(async () => h.close());

  it('ends a remediation run whose execution has ended, once per schedule slot', async () => {
    const started = await h.deliver(incidentMessage());
    expect(started).toMatchObject({ status: 'executing' });
    const [execution] = h.workflows.executions.keys();
    h.workflows.finish(execution!, 'SUCCEEDED', { result: { status: 'ok' } });

    const outcome = await h.deliver(tick('2026-01-01T00:10:05Z'));
    expect(outcome).toMatchObject({ ack: true, status: 'succeeded' });
    const remediation = await h.store.getRun((started as { runId: string }).runId);
    expect(remediation?.status).toBe('succeeded');
    expect(h.publisher.messages.some((m) => m.data.kind === 'RemediationsFollowed' && m.data.finished.length === 1)).toBe(true);

    expect(await h.deliver(tick('2026-01-01T00:10:40Z'))).toMatchObject({ outcome: 'duplicate' });
    expect(await h.deliver(tick('2026-01-01T00:11:01Z'))).toMatchObject({ ack: true, status: 'succeeded' });
  });

  it('leaves a run whose execution is still active, and refuses a malformed tick with its path', async () => {
    const started = await h.deliver(incidentMessage());
    await h.deliver(tick('2026-01-01T00:10:05Z'));
    expect((await h.store.getRun((started as { runId: string }).runId))?.status).toBe('executing');
    const bad = await h.deliver(rawMessage({ apiVersion: 'stackctl/v1', kind: 'RemediationFollowJob', job: 'Bad Job' }));
    expect(bad).toMatchObject({ ack: true, outcome: 'dead-lettered', reason: expect.stringMatching(/\$\.job/) });
  });
});
