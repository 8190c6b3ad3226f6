import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  controlPlaneEventSchema, decodeBackupJob, decodeBudgetNotification, decodeCostReportJob,
  decodeAlertsMessage, decodeWorkspaceRequest,
} from '../../../shared/events/decode.ts';
import type { PubsubMessage } from '../../../shared/events/envelope.ts';
import { ValidationError } from '../../../shared/runtime/errors.ts';

const example = (name: string) => readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8');

function message(data: string | object, attributes: Record<string, string> = {}, publishTime = '2026-11-26T08:17:00Z'): PubsubMessage {
  return {
    data: Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)),
    attributes, messageId: 'm-1', publishTime: new Date(publishTime), mode: 'push',
  };
}

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return [...(err as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

describe('WorkspaceRequest', () => {
  it('decodes the documented example, keyed by requestId', () => {
    const event = decodeWorkspaceRequest(message(example('workspace-create.json')));
    expect(event.kind).toBe('WorkspaceRequest');
    expect(event.key).toBe('provisioning:req-7f3a9c');
    expect(event.target).toBe('workspace:team-alpha');
    expect(event.request.spec.labels).toEqual({ 'cost-center': 'ml-42' });
    expect(controlPlaneEventSchema.parse(event)).toEqual(event);
  });

  it('fills every spec default', () => {
    const event = decodeWorkspaceRequest(message(example('workspace-delete.json')));
    expect(event.request.spec).toEqual({
      storage: { location: 'US', retentionDays: 30, versioning: true },
      database: { charset: 'utf8mb4' },
      registry: { enabled: true },
      labels: {},
    });
    expect(event.request.force).toBe(false);
  });

  const base = JSON.parse(example('workspace-create.json'));
  it.each([
    ['team-alpha; DROP DATABASE x', '$.workspace'],
    ['Team-Alpha', '$.workspace'],
    ['a', '$.workspace'],
    ['team-', '$.workspace'],
    ['team_alpha', '$.workspace'],
    ['x'.repeat(31), '$.workspace'],
    ['../../etc', '$.workspace'],
  ])('refuses workspace %j at %s', (workspace, path) => {
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, workspace }))).map((i) => i.path)).toContain(path);
  });

  it('refuses injection in label keys and values, naming the label', () => {
    const issues = issuesOf(() => decodeWorkspaceRequest(message({ ...base, spec: { labels: { 'cost-center': "x'; rm -rf /" } } })));
    expect(issues[0]!.path).toBe('$.spec.labels["cost-center"]');
    const keyIssues = issuesOf(() => decodeWorkspaceRequest(message({ ...base, spec: { labels: { 'Bad Key': 'v' } } })));
    expect(keyIssues[0]!.path).toMatch(/^\$\.spec\.labels/);
  });

  it('refuses bad requestIds, unknown fields and wrong types with paths', () => {
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, requestId: 'short' })))[0]!.path).toBe('$.requestId');
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, requestId: 'x'.repeat(65) })))[0]!.path).toBe('$.requestId');
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, extra: 1 })))[0]!.message).toMatch(/unknown field\(s\): extra/);
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, spec: { storage: { retentionDays: '30' } } })))[0]!.path)
      .toBe('$.spec.storage.retentionDays');
    expect(issuesOf(() => decodeWorkspaceRequest(message({ ...base, action: 'update' })))[0]!.path).toBe('$.action');
  });

  it('refuses non-JSON, empty and oversized data', () => {
    expect(issuesOf(() => decodeWorkspaceRequest(message('not json')))[0]!.message).toMatch(/not valid JSON/);
    expect(issuesOf(() => decodeWorkspaceRequest(message('')))[0]!.message).toMatch(/empty/);
    const big = { ...base, requestedBy: `${'a'.repeat(70_000)}@example.com` };
    expect(issuesOf(() => decodeWorkspaceRequest(message(big)))[0]!.message).toMatch(/bytes; the limit is 65536/);
    expect(issuesOf(() => decodeWorkspaceRequest(message(base), { maxMessageBytes: 100 }))[0]!.message).toMatch(/limit is 100/);
  });
});

describe('Monitoring notification 1.2', () => {
  it('decodes an incident; state is case-insensitive; key is incident id + state', () => {
    const event = decodeAlertsMessage(message(example('incident-redeploy.json')));
    expect(event.kind).toBe('MonitoringIncident');
    if (event.kind !== 'MonitoringIncident') return;
    expect(event.incident.state).toBe('open');
    expect(event.incident.ended_at).toBeNull();
    expect(event.key).toBe('alerts:0.opqiw61fsv7p:open');
    expect(event.incident.policy_user_labels).toEqual({ remediation: 'redeploy', app: 'zenml-server' });
  });

  it('treats ended_at 0 as open-ended and keys closed incidents apart', () => {
    const doc = JSON.parse(example('incident-pitr.json'));
    const open = decodeAlertsMessage(message(doc));
    expect(open.kind === 'MonitoringIncident' && open.incident.ended_at).toBeNull();
    const closed = decodeAlertsMessage(message({ ...doc, incident: { ...doc.incident, state: 'Closed', ended_at: 1767229200 } }));
    expect(closed.key).toBe('alerts:0.pitr4c0rrupt:closed');
    expect(closed.kind === 'MonitoringIncident' && closed.incident.ended_at).toBe(1767229200);
  });

  it('recognises test notifications', () => {
    expect(decodeAlertsMessage(message(example('incident-test.json'))).kind).toBe('MonitoringTestNotification');
  });

  it('refuses unknown versions, bad states and missing ids', () => {
    const doc = JSON.parse(example('incident-redeploy.json'));
    expect(() => decodeAlertsMessage(message({ ...doc, version: '1.1' }))).toThrow(ValidationError);
    expect(issuesOf(() => decodeAlertsMessage(message({ ...doc, incident: { ...doc.incident, state: 'firing' } }))).map((i) => i.path))
      .toContain('$.incident.state');
    expect(issuesOf(() => decodeAlertsMessage(message({ ...doc, incident: { ...doc.incident, started_at: -5 } }))).map((i) => i.path))
      .toContain('$.incident.started_at');
  });
});

describe('Budget notification', () => {
  const attributes = { billingAccountId: '01D4EE-079462-DFD6EC', budgetId: 'de72f49d-779b-4945-a127-4d6ce8def0bb', schemaVersion: '1.0' };

  it('decodes data and attributes; key is budget + interval + basis + threshold', () => {
    const event = decodeBudgetNotification(message(example('budget-alert.json'), attributes));
    expect(event.key).toBe('budgets:de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:actual:0.5');
    expect(event.data.costAmount).toBe(512.34);
  });

  it('keys routine updates (no threshold) apart from threshold alerts', () => {
    const routine = JSON.parse(example('budget-alert.json'));
    delete routine.alertThresholdExceeded;
    expect(decodeBudgetNotification(message(routine, attributes)).key).toBe('budgets:de72f49d-779b-4945-a127-4d6ce8def0bb:2026-11-01T07:00:00.000Z:update:512.34');
  });

  it('names missing attributes', () => {
    const issues = issuesOf(() => decodeBudgetNotification(message(example('budget-alert.json'), { budgetId: 'x' })));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['$.billingAccountId', '$.schemaVersion']));
  });
});

describe('Scheduled jobs', () => {
  it('keys a backup job by job name and schedule slot', () => {
    const a = decodeBackupJob(message(example('backup-job.json'), {}, '2026-11-26T03:00:04Z'));
    const retry = decodeBackupJob(message(example('backup-job.json'), {}, '2026-11-26T03:09:00Z'));
    const nextDay = decodeBackupJob(message(example('backup-job.json'), {}, '2026-11-27T03:00:02Z'));
    expect(a.key).toBe('backups:zenml-metadata-nightly-backup:2026-11-26T00:00:00.000Z');
    expect(retry.key).toBe(a.key);
    expect(nextDay.key).not.toBe(a.key);
  });

  it('keys a cost report job by its weekly slot and defaults its formats', () => {
    const event = decodeCostReportJob(message(example('cost-job.json')));
    expect(event.key).toMatch(/^costReports:weekly-cost-report:/);
    expect(event.job.formats).toEqual(['json', 'markdown', 'html']);
  });

  it('refuses unknown tasks with the path', () => {
    const doc = JSON.parse(example('backup-job.json'));
    expect(issuesOf(() => decodeBackupJob(message({ ...doc, task: 'drop' })))[0]!.path).toBe('$.task');
  });
});
