import { describe, expect, it } from 'vitest';
import { findRule, firstMismatch, incidentFacts, matches, type IncidentFacts } from '../../../../shared/domain/remediation/match.ts';
import type { Matcher, Rule } from '../../../../shared/domain/remediation/rules.ts';
import { incidentSchema } from '../../../../shared/events/schemas/monitoring-incident.ts';

describe('matches', () => {
  it.each<[Matcher, string | undefined, boolean]>([
    ['redeploy', 'redeploy', true],
    ['redeploy', 'Redeploy', false],
    ['redeploy', undefined, false],
    [{ equals: 'x' }, 'x', true],
    [{ equals: 'x' }, 'y', false],
    [{ in: ['CRITICAL', 'ERROR'] }, 'ERROR', true],
    [{ in: ['CRITICAL', 'ERROR'] }, 'WARNING', false],
    [{ in: ['CRITICAL'] }, undefined, false],
    [{ regex: '^zenml-' }, 'zenml-server', true],
    [{ regex: '^zenml-' }, 'mlflow', false],
    [{ regex: '.*' }, undefined, false],
    [{ exists: true }, 'a', true],
    [{ exists: true }, '', false],
    [{ exists: true }, undefined, false],
    [{ exists: false }, undefined, true],
    [{ exists: false }, 'a', false],
  ])('%j on %j → %s', (matcher, value, expected) => {
    expect(matches(matcher, value)).toBe(expected);
  });
});

const incident = incidentSchema.parse({
  incident_id: '0.x', started_at: 1, state: 'open', policy_name: 'ZenML server uptime',
  policy_user_labels: { remediation: 'redeploy', app: 'zenml-server' },
  condition: { displayName: 'Uptime check failing' },
  resource: { type: 'uptime_url', labels: { host: 'zenml.internal' } },
  metric: { type: 'monitoring.googleapis.com/uptime_check/check_passed' },
  severity: 'CRITICAL',
});

function rule(name: string, match: Rule['match']): Rule {
  return { name, match, workflow: 'redeploy', mode: 'auto', target: 'app:x', args: {} };
}

describe('incidentFacts and rule matching', () => {
  it('reads every matchable field, falling back to condition.displayName', () => {
    expect(incidentFacts(incident)).toEqual<IncidentFacts>({
      policy_name: 'ZenML server uptime',
      policy_user_labels: { remediation: 'redeploy', app: 'zenml-server' },
      condition_name: 'Uptime check failing',
      resource_type: 'uptime_url',
      resource_labels: { host: 'zenml.internal' },
      metric_type: 'monitoring.googleapis.com/uptime_check/check_passed',
      severity: 'CRITICAL',
    });
  });

  it.each<[string, Rule['match'], string | undefined]>([
    ['all fields', {
      policy_name: { regex: 'uptime' }, policy_user_labels: { remediation: 'redeploy', app: { exists: true } }, condition_name: 'Uptime check failing',
      resource_type: 'uptime_url', resource_labels: { host: { in: ['zenml.internal'] } }, metric_type: { regex: 'uptime_check' }, severity: { in: ['CRITICAL'] },
    }, undefined],
    ['a label', { policy_user_labels: { remediation: 'pitr-restore' } }, 'policy_user_labels.remediation'],
    ['a resource label', { resource_labels: { zone: { exists: true } } }, 'resource_labels.zone'],
    ['severity', { severity: 'WARNING' }, 'severity'],
    ['metric type', { metric_type: 'x' }, 'metric_type'],
  ])('firstMismatch: %s', (_what, match, mismatch) => {
    expect(firstMismatch(match, incidentFacts(incident))).toBe(mismatch);
  });

  it('the first matching rule in file order wins', () => {
    const rules = [rule('pitr', { policy_user_labels: { remediation: 'pitr-restore' } }), rule('specific', { severity: 'CRITICAL', policy_user_labels: { app: 'zenml-server' } }), rule('general', { policy_user_labels: { app: { exists: true } } })];
    expect(findRule(rules, incidentFacts(incident))?.name).toBe('specific');
    expect(findRule(rules.slice(0, 1), incidentFacts(incident))).toBeUndefined();
  });
});
